-- migrations/0005 on PostgreSQL. A team database is made at the newest
-- schema, so it never holds positions without gaps: only the index.
CREATE INDEX customer_steps_untemplated_idx ON customer_steps (release_id, category, order_index) WHERE template_id IS NULL;
