CREATE TABLE `cart_discount_codes` (
	`cart_id` text NOT NULL,
	`code` text NOT NULL,
	`added_at` text NOT NULL,
	PRIMARY KEY(`cart_id`, `code`),
	FOREIGN KEY (`code`) REFERENCES `discount_codes`(`code`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `discount_codes` (
	`code` text PRIMARY KEY NOT NULL,
	`promotion_id` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`promotion_id`) REFERENCES `promotions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `discount_codes_promotion_idx` ON `discount_codes` (`promotion_id`);--> statement-breakpoint
CREATE TABLE `promotion_customer_usage` (
	`promotion_id` text NOT NULL,
	`customer_key` text NOT NULL,
	`redeemed` integer NOT NULL,
	`usage_limit` integer,
	PRIMARY KEY(`promotion_id`, `customer_key`),
	FOREIGN KEY (`promotion_id`) REFERENCES `promotions`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "promotion_customer_usage_limit" CHECK("promotion_customer_usage"."redeemed" >= 0 AND ("promotion_customer_usage"."usage_limit" IS NULL OR "promotion_customer_usage"."redeemed" <= "promotion_customer_usage"."usage_limit"))
);
--> statement-breakpoint
CREATE TABLE `promotion_redemptions` (
	`id` text PRIMARY KEY NOT NULL,
	`promotion_id` text NOT NULL,
	`code` text,
	`order_id` text NOT NULL,
	`customer_key` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`redeemed_at` text NOT NULL,
	`returned_at` text,
	FOREIGN KEY (`promotion_id`) REFERENCES `promotions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `promotion_redemptions_order_promotion_idx` ON `promotion_redemptions` (`order_id`,`promotion_id`);--> statement-breakpoint
CREATE INDEX `promotion_redemptions_promotion_idx` ON `promotion_redemptions` (`promotion_id`,`redeemed_at`);--> statement-breakpoint
CREATE TABLE `promotions` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`trigger` text NOT NULL,
	`status` text NOT NULL,
	`rule` text NOT NULL,
	`minimum_subtotal` text NOT NULL,
	`customer_group_ids` text NOT NULL,
	`market_ids` text NOT NULL,
	`starts_at` text,
	`ends_at` text,
	`combinable` integer NOT NULL,
	`priority` integer NOT NULL,
	`usage_limit` integer,
	`usage_limit_per_customer` integer,
	`redeemed` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "promotions_usage_limit" CHECK("promotions"."redeemed" >= 0 AND ("promotions"."usage_limit" IS NULL OR "promotions"."redeemed" <= "promotions"."usage_limit"))
);
--> statement-breakpoint
CREATE INDEX `promotions_trigger_status_idx` ON `promotions` (`trigger`,`status`);--> statement-breakpoint
CREATE TABLE `cart_gift_cards` (
	`cart_id` text NOT NULL,
	`gift_card_id` text NOT NULL,
	`added_at` text NOT NULL,
	PRIMARY KEY(`cart_id`, `gift_card_id`),
	FOREIGN KEY (`gift_card_id`) REFERENCES `gift_cards`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `gift_card_transactions` (
	`id` text PRIMARY KEY NOT NULL,
	`gift_card_id` text NOT NULL,
	`kind` text NOT NULL,
	`amount` integer NOT NULL,
	`balance_after` integer NOT NULL,
	`order_id` text,
	`reference` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`actor` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`gift_card_id`) REFERENCES `gift_cards`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gift_card_transactions_reference_idx` ON `gift_card_transactions` (`gift_card_id`,`reference`);--> statement-breakpoint
CREATE INDEX `gift_card_transactions_order_idx` ON `gift_card_transactions` (`order_id`);--> statement-breakpoint
CREATE TABLE `gift_cards` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`code_hash` text,
	`last4` text NOT NULL,
	`customer_id` text,
	`currency` text NOT NULL,
	`initial_amount` integer NOT NULL,
	`balance` integer NOT NULL,
	`status` text NOT NULL,
	`expires_at` text,
	`note` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "gift_cards_balance_not_negative" CHECK("gift_cards"."balance" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gift_cards_code_hash_unique` ON `gift_cards` (`code_hash`);--> statement-breakpoint
CREATE INDEX `gift_cards_customer_idx` ON `gift_cards` (`customer_id`,`id`);