-- migrations/0002 on PostgreSQL.
CREATE INDEX customer_steps_release_id_idx ON customer_steps (release_id);
CREATE INDEX customer_steps_customer_id_idx ON customer_steps (customer_id);
CREATE INDEX step_templates_release_id_idx ON step_templates (release_id);
CREATE INDEX customers_cluster_id_idx ON customers (cluster_id);
