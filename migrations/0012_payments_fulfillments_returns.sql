CREATE TABLE `password_resets` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`request_event_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `password_resets_request_event_id_unique` ON `password_resets` (`request_event_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `password_resets_token_hash_unique` ON `password_resets` (`token_hash`);--> statement-breakpoint
CREATE INDEX `password_resets_customer_idx` ON `password_resets` (`customer_id`);--> statement-breakpoint
CREATE TABLE `order_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`body` text NOT NULL,
	`author` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `order_notes_order_idx` ON `order_notes` (`order_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `payment_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`provider` text NOT NULL,
	`provider_ref` text,
	`status` text NOT NULL,
	`capture_method` text NOT NULL,
	`currency` text NOT NULL,
	`amount` integer NOT NULL,
	`amount_authorized` integer DEFAULT 0 NOT NULL,
	`amount_captured` integer DEFAULT 0 NOT NULL,
	`amount_refunded` integer DEFAULT 0 NOT NULL,
	`refund_pending` integer DEFAULT 0 NOT NULL,
	`client_secret` text,
	`next_action` text,
	`last_error` text,
	`disputed` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "payment_attempts_refunds_within_captured" CHECK("payment_attempts"."refund_pending" >= 0 AND "payment_attempts"."amount_refunded" + "payment_attempts"."refund_pending" <= "payment_attempts"."amount_captured")
);
--> statement-breakpoint
CREATE INDEX `payment_attempts_order_idx` ON `payment_attempts` (`order_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `payment_attempts_provider_ref_idx` ON `payment_attempts` (`provider`,`provider_ref`) WHERE "payment_attempts"."provider_ref" IS NOT NULL;--> statement-breakpoint
CREATE TABLE `payment_operations` (
	`id` text PRIMARY KEY NOT NULL,
	`payment_id` text NOT NULL,
	`order_id` text NOT NULL,
	`kind` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`reference` text NOT NULL,
	`actor` text NOT NULL,
	`reason` text,
	`lines` text,
	`idempotency_key` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`payment_id`) REFERENCES `payment_attempts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `payment_operations_order_idx` ON `payment_operations` (`order_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `payment_operations_payment_idx` ON `payment_operations` (`payment_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `payment_provider_events` (
	`id` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`type` text NOT NULL,
	`payment_id` text,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `fulfillment_lines` (
	`fulfillment_id` text NOT NULL,
	`order_id` text NOT NULL,
	`order_line_id` text NOT NULL,
	`quantity` integer NOT NULL,
	PRIMARY KEY(`fulfillment_id`, `order_line_id`),
	FOREIGN KEY (`fulfillment_id`) REFERENCES `fulfillments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `fulfillment_lines_order_idx` ON `fulfillment_lines` (`order_id`);--> statement-breakpoint
CREATE TABLE `fulfillments` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`carrier` text,
	`tracking_number` text,
	`tracking_url` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `fulfillments_order_idx` ON `fulfillments` (`order_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `returns` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`requested_by` text NOT NULL,
	`refund_operation_id` text,
	`refund_amount` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `returns_order_idx` ON `returns` (`order_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `return_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`return_id` text NOT NULL,
	`order_id` text NOT NULL,
	`order_line_id` text NOT NULL,
	`sku` text NOT NULL,
	`quantity` integer NOT NULL,
	`restocked_at` text,
	FOREIGN KEY (`return_id`) REFERENCES `returns`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `return_lines_return_idx` ON `return_lines` (`return_id`);--> statement-breakpoint
CREATE INDEX `return_lines_order_idx` ON `return_lines` (`order_id`);--> statement-breakpoint
CREATE TABLE `email_deliveries` (
	`event_id` text NOT NULL,
	`template` text NOT NULL,
	`recipient` text NOT NULL,
	`subject` text NOT NULL,
	`provider` text NOT NULL,
	`status` text NOT NULL,
	`sent_at` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`event_id`, `template`)
);
--> statement-breakpoint
ALTER TABLE `order_transitions` ADD `change` text DEFAULT 'status' NOT NULL;--> statement-breakpoint
ALTER TABLE `order_transitions` ADD `detail` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `payment_status` text DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `fulfillment_status` text DEFAULT 'unfulfilled' NOT NULL;