CREATE TABLE `customer_addresses` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`name` text NOT NULL,
	`company` text,
	`line1` text NOT NULL,
	`line2` text,
	`city` text NOT NULL,
	`region` text,
	`postal_code` text,
	`country` text NOT NULL,
	`phone` text,
	`is_default_shipping` integer DEFAULT false NOT NULL,
	`is_default_billing` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `customer_addresses_customer_idx` ON `customer_addresses` (`customer_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `customer_addresses_default_shipping_idx` ON `customer_addresses` (`customer_id`) WHERE "customer_addresses"."is_default_shipping" = 1;--> statement-breakpoint
CREATE UNIQUE INDEX `customer_addresses_default_billing_idx` ON `customer_addresses` (`customer_id`) WHERE "customer_addresses"."is_default_billing" = 1;--> statement-breakpoint
CREATE TABLE `customer_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`last_used_at` text,
	`expires_at` text NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customer_tokens_token_hash_unique` ON `customer_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `customer_tokens_customer_idx` ON `customer_tokens` (`customer_id`,`revoked_at`);--> statement-breakpoint
CREATE TABLE `customers` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`password_algorithm` text NOT NULL,
	`password_iterations` integer NOT NULL,
	`password_salt` text NOT NULL,
	`password_hash` text NOT NULL,
	`password_changed_at` text NOT NULL,
	`name` text,
	`phone` text,
	`marketing_consent` integer DEFAULT false NOT NULL,
	`marketing_consent_updated_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customers_email_unique` ON `customers` (`email`);--> statement-breakpoint
CREATE INDEX `customers_created_idx` ON `customers` (`created_at`,`id`);