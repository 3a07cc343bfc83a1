-- Nothing changes on SQLite. pgmigrations/0009 drops customer_steps_template_idx
-- on PostgreSQL, whose writes pay more for each index; SQLite keeps it.
SELECT 1;
