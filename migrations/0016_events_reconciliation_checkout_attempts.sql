ALTER TABLE `events` ADD `handled_at` text;--> statement-breakpoint
ALTER TABLE `events` ADD `redeliver_at` text;--> statement-breakpoint
ALTER TABLE `events` ADD `redeliveries` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `events_redeliver_idx` ON `events` (`redeliver_at`) WHERE "events"."redeliver_at" IS NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `hold_owner` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `checkout_key_hash` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `order_token_sealed` text;--> statement-breakpoint
CREATE INDEX `carts_checking_out_idx` ON `carts` (`checkout_claimed_at`) WHERE "carts"."status" = 'checking_out';