-- Shipdeck's own tables (docs/design.md, "Schema"): the five tables of the
-- specification stay exactly as they are.

-- Who a release is meant for, as chosen while it is a draft. No rows means
-- every active customer at activation; cluster rows mean every active customer
-- of those clusters; customer rows name customers. Rows may be mixed.
CREATE TABLE `release_targets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`release_id` integer NOT NULL REFERENCES `releases`(`id`) ON DELETE cascade,
	`cluster_id` integer REFERENCES `clusters`(`id`) ON DELETE cascade,
	`customer_id` integer REFERENCES `customers`(`id`) ON DELETE cascade,
	CHECK ((`cluster_id` IS NULL) <> (`customer_id` IS NULL))
);
CREATE UNIQUE INDEX `release_targets_unique` ON `release_targets` (`release_id`, coalesce(`cluster_id`, 0), coalesce(`customer_id`, 0));

-- The customers a release actually covers: filled at activation and when
-- customers are added later. These are the matrix columns, even for a customer
-- whose steps were all deleted with their templates.
CREATE TABLE `release_customers` (
	`release_id` integer NOT NULL REFERENCES `releases`(`id`) ON DELETE cascade,
	`customer_id` integer NOT NULL REFERENCES `customers`(`id`) ON DELETE cascade,
	`added_at` integer NOT NULL,
	PRIMARY KEY (`release_id`, `customer_id`)
) WITHOUT ROWID;
CREATE INDEX `release_customers_customer_idx` ON `release_customers` (`customer_id`);

-- One row per change to a customer step: the audit record of who did what,
-- where and when. step_id goes NULL when a custom step is deleted, so the row
-- keeps step_name and the record survives.
CREATE TABLE `step_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`step_id` integer REFERENCES `customer_steps`(`id`) ON DELETE set null,
	`release_id` integer NOT NULL REFERENCES `releases`(`id`) ON DELETE cascade,
	`customer_id` integer NOT NULL REFERENCES `customers`(`id`) ON DELETE cascade,
	`step_name` text NOT NULL,
	`action` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`note` text,
	`content_before` text,
	`content_after` text,
	`actor` text NOT NULL,
	`created_at` integer NOT NULL
);
CREATE INDEX `step_history_step_idx` ON `step_history` (`step_id`);
CREATE INDEX `step_history_release_idx` ON `step_history` (`release_id`, `id`);
CREATE INDEX `step_history_customer_idx` ON `step_history` (`customer_id`);

-- Operator preferences: operator_name, theme.
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
) WITHOUT ROWID;

-- The customer view and the custom-step anchors read one customer's steps of
-- one category. order_index is left out on purpose: a reorder rewrites it on
-- every step of the release, and keeping it in an index more than doubled
-- that cost (sorting a customer's hundred steps is free).
CREATE INDEX `customer_steps_release_customer_idx` ON `customer_steps` (`release_id`, `customer_id`, `category`);
