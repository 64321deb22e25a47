CREATE TABLE `customer_group_members` (
	`group_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`added_at` text NOT NULL,
	PRIMARY KEY(`group_id`, `customer_id`),
	FOREIGN KEY (`group_id`) REFERENCES `customer_groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `customer_group_members_customer_idx` ON `customer_group_members` (`customer_id`);--> statement-breakpoint
CREATE TABLE `customer_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`handle` text NOT NULL,
	`name` text NOT NULL,
	`tax_exempt` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customer_groups_handle_unique` ON `customer_groups` (`handle`);--> statement-breakpoint
CREATE TABLE `market_countries` (
	`country` text PRIMARY KEY NOT NULL,
	`market_id` text NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`market_id`) REFERENCES `markets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `market_countries_market_idx` ON `market_countries` (`market_id`,`position`);--> statement-breakpoint
CREATE TABLE `markets` (
	`id` text PRIMARY KEY NOT NULL,
	`handle` text NOT NULL,
	`name` text NOT NULL,
	`currency` text NOT NULL,
	`prices_include_tax` integer NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `markets_handle_unique` ON `markets` (`handle`);--> statement-breakpoint
CREATE UNIQUE INDEX `markets_one_default_idx` ON `markets` (`is_default`) WHERE "markets"."is_default" = 1;--> statement-breakpoint
CREATE TABLE `price_list_prices` (
	`price_list_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`product_id` text NOT NULL,
	`min_quantity` integer DEFAULT 1 NOT NULL,
	`amount` integer NOT NULL,
	`compare_at_amount` integer,
	PRIMARY KEY(`price_list_id`, `variant_id`, `min_quantity`),
	FOREIGN KEY (`price_list_id`) REFERENCES `price_lists`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `price_list_prices_variant_idx` ON `price_list_prices` (`variant_id`,`price_list_id`);--> statement-breakpoint
CREATE INDEX `price_list_prices_product_idx` ON `price_list_prices` (`product_id`);--> statement-breakpoint
CREATE TABLE `price_lists` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`status` text NOT NULL,
	`currency` text NOT NULL,
	`market_id` text,
	`customer_group_id` text,
	`starts_at` text,
	`ends_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`market_id`) REFERENCES `markets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`customer_group_id`) REFERENCES `customer_groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `price_lists_currency_idx` ON `price_lists` (`currency`,`status`);--> statement-breakpoint
CREATE TABLE `variant_prices` (
	`variant_id` text NOT NULL,
	`product_id` text NOT NULL,
	`currency` text NOT NULL,
	`amount` integer NOT NULL,
	`compare_at_amount` integer,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`variant_id`, `currency`)
);
--> statement-breakpoint
CREATE INDEX `variant_prices_product_idx` ON `variant_prices` (`product_id`);--> statement-breakpoint
CREATE TABLE `tax_classes` (
	`handle` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tax_default_imports` (
	`source` text PRIMARY KEY NOT NULL,
	`imported_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tax_rates` (
	`id` text PRIMARY KEY NOT NULL,
	`country` text NOT NULL,
	`region` text DEFAULT '' NOT NULL,
	`postal_prefix` text DEFAULT '' NOT NULL,
	`tax_class` text NOT NULL,
	`rate_bp` integer NOT NULL,
	`name` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tax_class`) REFERENCES `tax_classes`(`handle`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tax_rates_scope_idx` ON `tax_rates` (`country`,`region`,`postal_prefix`,`tax_class`);--> statement-breakpoint
CREATE INDEX `tax_rates_class_idx` ON `tax_rates` (`tax_class`);--> statement-breakpoint
CREATE TABLE `shipping_default_imports` (
	`source` text PRIMARY KEY NOT NULL,
	`imported_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `shipping_methods` (
	`id` text PRIMARY KEY NOT NULL,
	`zone_id` text NOT NULL,
	`market_id` text,
	`currency` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`kind` text NOT NULL,
	`amount` integer,
	`bands` text,
	`free_over` integer,
	`tax_class` text DEFAULT 'standard' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`zone_id`) REFERENCES `shipping_zones`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `shipping_methods_zone_idx` ON `shipping_methods` (`zone_id`,`position`);--> statement-breakpoint
CREATE TABLE `shipping_zones` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`countries` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `products` ADD `tax_class` text DEFAULT 'standard' NOT NULL;--> statement-breakpoint
ALTER TABLE `variants` ADD `weight_grams` integer;--> statement-breakpoint
ALTER TABLE `carts` ADD `market_id` text;--> statement-breakpoint
ALTER TABLE `carts` ADD `shipping_method_id` text;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `compare_at_price` integer;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `price_source` text;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `discount` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `discounts` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `tax` integer;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `tax_rate` integer;--> statement-breakpoint
ALTER TABLE `orders` ADD `discount` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `gift_cards` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `amount_due` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `prices_include_tax` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `market_id` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `pricing` text;