-- migrations/0004 on PostgreSQL.
CREATE INDEX customer_steps_release_customer_idx ON customer_steps (release_id, customer_id, category);
CREATE INDEX customer_steps_template_idx ON customer_steps (template_id, customer_id, status, is_overridden);
