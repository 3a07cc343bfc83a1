-- The specification's four foreign-key indexes (docs/design.md, "Schema").
-- The Drizzle schema never declares them, so a database made by the specification's app lacks them: IF NOT EXISTS
-- keeps this safe on a file where someone added them by hand.
CREATE INDEX IF NOT EXISTS `customer_steps_release_id_idx` ON `customer_steps` (`release_id`);
CREATE INDEX IF NOT EXISTS `customer_steps_customer_id_idx` ON `customer_steps` (`customer_id`);
CREATE INDEX IF NOT EXISTS `step_templates_release_id_idx` ON `step_templates` (`release_id`);
CREATE INDEX IF NOT EXISTS `customers_cluster_id_idx` ON `customers` (`cluster_id`);
