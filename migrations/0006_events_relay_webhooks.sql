CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`event_id` text,
	`event_type` text,
	`body` text NOT NULL,
	`attempts` integer NOT NULL,
	`status` text NOT NULL,
	`dead_count` integer DEFAULT 1 NOT NULL,
	`first_dead_at` text NOT NULL,
	`last_dead_at` text NOT NULL,
	`replayed_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dead_letters_key_idx` ON `dead_letters` (`key`);--> statement-breakpoint
CREATE INDEX `dead_letters_status_idx` ON `dead_letters` (`status`,`last_dead_at`);--> statement-breakpoint
CREATE TABLE `event_handler_runs` (
	`event_id` text NOT NULL,
	`handler` text NOT NULL,
	`status` text NOT NULL,
	`lease_until` text,
	`processed_at` text,
	PRIMARY KEY(`event_id`, `handler`)
);
--> statement-breakpoint
CREATE TABLE `webhook_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`delivery_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`request_id` text NOT NULL,
	`url` text NOT NULL,
	`status_code` integer,
	`latency_ms` integer NOT NULL,
	`response_excerpt` text,
	`error` text,
	`outcome` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_attempts_delivery_idx` ON `webhook_attempts` (`delivery_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`endpoint_id` text NOT NULL,
	`event_id` text NOT NULL,
	`event_type` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`retry_step` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text,
	`lease_until` text,
	`last_status_code` integer,
	`last_error` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`succeeded_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_endpoint_event_idx` ON `webhook_deliveries` (`endpoint_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due_idx` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_event_idx` ON `webhook_deliveries` (`event_id`);--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`event_types` text NOT NULL,
	`secret` text NOT NULL,
	`previous_secret` text,
	`previous_secret_expires_at` text,
	`status` text NOT NULL,
	`disabled_reason` text,
	`disabled_at` text,
	`failing_since` text,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_endpoints_created_idx` ON `webhook_endpoints` (`created_at`,`id`);--> statement-breakpoint
ALTER TABLE `events` ADD `position` integer;--> statement-breakpoint
ALTER TABLE `events` ADD `relay_lease_until` text;--> statement-breakpoint
CREATE UNIQUE INDEX `events_position_idx` ON `events` (`position`);