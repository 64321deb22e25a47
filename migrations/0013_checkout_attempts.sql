ALTER TABLE `orders` ADD `hold_owner` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `checkout_key_hash` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `order_token_sealed` text;--> statement-breakpoint
CREATE INDEX `carts_checking_out_idx` ON `carts` (`checkout_claimed_at`) WHERE "carts"."status" = 'checking_out';