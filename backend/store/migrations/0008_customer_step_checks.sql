-- Nothing changes on SQLite. pgmigrations/0008 replaces customer_steps'
-- foreign keys on PostgreSQL by checks made once per statement, and drops
-- indexes PostgreSQL does not use: SQLite checks a foreign key cheaply per
-- row, and its planner is told which of these indexes to use.
SELECT 1;
