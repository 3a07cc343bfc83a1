-- What the second version records (docs/design.md, "History", "Holds",
-- "Running steps"). Only Shipdeck's own tables change: the five of the
-- specification stay as they are.

-- The history becomes the release's whole record: besides one row per
-- change to a customer step, a row per change to the release itself, its
-- templates and its customers (customer_id and step_id NULL then). A step
-- change keeps the content as it was rendered for its customer at that
-- moment (rendered), and says where it came from (source: the app, or the
-- command line). detail is JSON for what a release event needs beyond the
-- columns (counts, an order). SQLite cannot drop a NOT NULL, so the table is
-- rebuilt; every row keeps its id.
CREATE TABLE `step_history_new` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`release_id` integer NOT NULL REFERENCES `releases`(`id`) ON DELETE cascade,
	`step_id` integer REFERENCES `customer_steps`(`id`) ON DELETE set null,
	`customer_id` integer REFERENCES `customers`(`id`) ON DELETE cascade,
	`template_id` integer REFERENCES `step_templates`(`id`) ON DELETE set null,
	`step_name` text NOT NULL,
	`action` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`note` text,
	`content_before` text,
	`content_after` text,
	`rendered` text,
	`detail` text,
	`actor` text NOT NULL,
	`source` text DEFAULT 'app' NOT NULL,
	`created_at` integer NOT NULL
);
INSERT INTO `step_history_new` (`id`, `release_id`, `step_id`, `customer_id`, `template_id`, `step_name`, `action`, `from_status`, `to_status`,
	`note`, `content_before`, `content_after`, `actor`, `created_at`)
SELECT h.`id`, h.`release_id`, h.`step_id`, h.`customer_id`, cs.`template_id`, h.`step_name`, h.`action`, h.`from_status`, h.`to_status`,
	h.`note`, h.`content_before`, h.`content_after`, h.`actor`, h.`created_at`
FROM `step_history` h LEFT JOIN `customer_steps` cs ON cs.`id` = h.`step_id`;
DROP TABLE `step_history`;
ALTER TABLE `step_history_new` RENAME TO `step_history`;
CREATE INDEX `step_history_step_idx` ON `step_history` (`step_id`);
CREATE INDEX `step_history_release_idx` ON `step_history` (`release_id`, `id`);
CREATE INDEX `step_history_customer_idx` ON `step_history` (`customer_id`);
CREATE INDEX `step_history_template_idx` ON `step_history` (`template_id`);

-- A customer held back in a release: skipped by bulk actions and runs,
-- counted apart in progress, until the hold is released.
ALTER TABLE `release_customers` ADD `held_at` integer;
ALTER TABLE `release_customers` ADD `held_by` text;
ALTER TABLE `release_customers` ADD `hold_reason` text;

-- Every run of a bash step, with what it printed (the last 1 MiB of it).
-- A run still 'running' when the app starts was cut off by a crash: it is
-- marked 'interrupted' then.
CREATE TABLE `step_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`step_id` integer REFERENCES `customer_steps`(`id`) ON DELETE set null,
	`release_id` integer NOT NULL REFERENCES `releases`(`id`) ON DELETE cascade,
	`customer_id` integer NOT NULL REFERENCES `customers`(`id`) ON DELETE cascade,
	`step_name` text NOT NULL,
	`script` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`exit_code` integer,
	`outcome` text NOT NULL,
	`output` text DEFAULT '' NOT NULL,
	`output_bytes` integer DEFAULT 0 NOT NULL,
	`actor` text NOT NULL
);
CREATE INDEX `step_runs_step_idx` ON `step_runs` (`step_id`, `id`);
CREATE INDEX `step_runs_release_idx` ON `step_runs` (`release_id`, `id`);
CREATE INDEX `step_runs_running_idx` ON `step_runs` (`outcome`) WHERE `outcome` = 'running';
