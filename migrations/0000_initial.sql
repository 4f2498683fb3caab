CREATE TABLE `blobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`hash` blob NOT NULL,
	`body` blob NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `blobs_hash_unique` ON `blobs` (`hash`);--> statement-breakpoint
CREATE TABLE `capacity_points` (
	`snapshot_id` integer NOT NULL,
	`resource` text NOT NULL,
	`capacity` text NOT NULL,
	`allocatable` text NOT NULL,
	`requested` text NOT NULL,
	`plannable` text NOT NULL,
	FOREIGN KEY (`snapshot_id`) REFERENCES `snapshots`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `capacity_points_snapshot_resource` ON `capacity_points` (`snapshot_id`,`resource`);--> statement-breakpoint
CREATE TABLE `clusters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `clusters_name_unique` ON `clusters` (`name`);--> statement-breakpoint
CREATE TABLE `cycle_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cycle_id` integer NOT NULL,
	`from_state` text,
	`to_state` text NOT NULL,
	`actor` text,
	`at` integer NOT NULL,
	`note` text,
	FOREIGN KEY (`cycle_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `cycle_events_cycle` ON `cycle_events` (`cycle_id`);--> statement-breakpoint
CREATE TABLE `cycles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cluster_id` integer NOT NULL,
	`name` text NOT NULL,
	`state` text NOT NULL,
	`plan_id` integer,
	`starts_at` integer,
	`ends_at` integer,
	`created_at` integer NOT NULL,
	`approved_by` text,
	`approved_at` integer,
	`approval_note` text,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cycles_cluster_name` ON `cycles` (`cluster_id`,`name`);--> statement-breakpoint
CREATE TABLE `namespace_usage` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cluster_id` integer NOT NULL,
	`namespace` text NOT NULL,
	`first_seq` integer NOT NULL,
	`last_seq` integer NOT NULL,
	`facts_blob` integer NOT NULL,
	`requests` text NOT NULL,
	`pods` integer NOT NULL,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`facts_blob`) REFERENCES `blobs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `namespace_usage_cluster_last` ON `namespace_usage` (`cluster_id`,`last_seq`);--> statement-breakpoint
CREATE TABLE `plans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cluster_id` integer NOT NULL,
	`cycle` text NOT NULL,
	`snapshot_id` integer,
	`teams_yaml` text NOT NULL,
	`plan_json` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`snapshot_id`) REFERENCES `snapshots`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `plans_cluster_cycle` ON `plans` (`cluster_id`,`cycle`);--> statement-breakpoint
CREATE TABLE `snapshots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cluster_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`taken_at` integer NOT NULL,
	`server` text,
	`context` text,
	`source_kind` text NOT NULL,
	`source_ref` text NOT NULL,
	`nodes_blob` integer NOT NULL,
	`node_usage_blob` integer NOT NULL,
	`quotas_blob` integer NOT NULL,
	`quota_usage_blob` integer NOT NULL,
	`limit_ranges_blob` integer NOT NULL,
	`profiles_blob` integer NOT NULL,
	`rest_blob` integer NOT NULL,
	`node_count` integer NOT NULL,
	`namespace_count` integer NOT NULL,
	`pod_count` integer NOT NULL,
	`warning_count` integer NOT NULL,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`nodes_blob`) REFERENCES `blobs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`node_usage_blob`) REFERENCES `blobs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`quotas_blob`) REFERENCES `blobs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`quota_usage_blob`) REFERENCES `blobs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`limit_ranges_blob`) REFERENCES `blobs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`profiles_blob`) REFERENCES `blobs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rest_blob`) REFERENCES `blobs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `snapshots_cluster_seq` ON `snapshots` (`cluster_id`,`seq`);--> statement-breakpoint
CREATE INDEX `snapshots_cluster_taken_at` ON `snapshots` (`cluster_id`,`taken_at`);