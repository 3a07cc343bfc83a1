-- The specification's schema (docs/design.md, "Schema") exactly as
-- drizzle-kit generates it for SQLite. A database created by the specification's own app already has
-- all of this: Open recognises such a file and records this version as
-- applied without running it.
CREATE TABLE `clusters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`kubeconfig_path` text,
	`description` text,
	`is_active` integer DEFAULT true,
	`metadata` text,
	`created_at` integer,
	`updated_at` integer
);
CREATE UNIQUE INDEX `clusters_name_unique` ON `clusters` (`name`);
CREATE TABLE `customers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cluster_id` integer NOT NULL,
	`namespace` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`is_active` integer DEFAULT true,
	`metadata` text,
	`created_at` integer,
	`updated_at` integer,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE restrict
);
CREATE UNIQUE INDEX `unique_namespace_per_cluster` ON `customers` (`cluster_id`,`namespace`);
CREATE TABLE `releases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`status` text DEFAULT 'draft',
	`version_number` text,
	`release_date` integer,
	`description` text,
	`metadata` text,
	`created_at` integer,
	`updated_at` integer
);
CREATE TABLE `step_templates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`release_id` integer NOT NULL,
	`name` text NOT NULL,
	`category` text NOT NULL,
	`type` text NOT NULL,
	`content` text NOT NULL,
	`order_index` integer NOT NULL,
	`description` text,
	`created_at` integer,
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE cascade
);
CREATE UNIQUE INDEX `unique_order_per_release_category` ON `step_templates` (`release_id`,`category`,`order_index`);
CREATE TABLE `customer_steps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`release_id` integer NOT NULL,
	`customer_id` integer NOT NULL,
	`template_id` integer,
	`name` text NOT NULL,
	`category` text NOT NULL,
	`type` text NOT NULL,
	`content` text NOT NULL,
	`order_index` integer NOT NULL,
	`status` text DEFAULT 'pending',
	`executed_at` integer,
	`executed_by` text,
	`skip_reason` text,
	`notes` text,
	`is_custom` integer DEFAULT false,
	`is_overridden` integer DEFAULT false,
	`created_at` integer,
	`updated_at` integer,
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`template_id`) REFERENCES `step_templates`(`id`) ON UPDATE no action ON DELETE set null
);
CREATE UNIQUE INDEX `unique_customer_step` ON `customer_steps` (`release_id`,`customer_id`,`template_id`);
