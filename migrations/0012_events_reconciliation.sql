ALTER TABLE `events` ADD `handled_at` text;--> statement-breakpoint
ALTER TABLE `events` ADD `redeliver_at` text;--> statement-breakpoint
ALTER TABLE `events` ADD `redeliveries` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `events_redeliver_idx` ON `events` (`redeliver_at`) WHERE "events"."redeliver_at" IS NOT NULL;