CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text NOT NULL,
	`sequence` integer NOT NULL,
	`payload` text NOT NULL,
	`created_at` text NOT NULL,
	`published_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_resource_sequence_idx` ON `events` (`resource_id`,`sequence`);--> statement-breakpoint
CREATE INDEX `events_unpublished_idx` ON `events` (`published_at`,`created_at`);