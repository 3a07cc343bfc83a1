-- customer_steps had no index leading with template_id: deleting a template
-- (ON DELETE SET NULL), propagating a template edit and counting a
-- template's steps each scanned the whole table. This index serves them, and
-- covers the matrix's per-template read (customer, status, override flag).
CREATE INDEX `customer_steps_template_idx` ON `customer_steps` (`template_id`, `customer_id`, `status`, `is_overridden`);

-- A database made by the specification's app has active releases but no
-- release_customers rows: the customers with steps in a release are the ones
-- it covers.
INSERT OR IGNORE INTO `release_customers` (`release_id`, `customer_id`, `added_at`)
SELECT DISTINCT `release_id`, `customer_id`, coalesce(min(`created_at`), 0)
FROM `customer_steps` GROUP BY `release_id`, `customer_id`;
