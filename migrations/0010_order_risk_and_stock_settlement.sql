CREATE TABLE `risk_assessments` (
	`order_id` text PRIMARY KEY NOT NULL,
	`score` integer NOT NULL,
	`level` text NOT NULL,
	`decision` text NOT NULL,
	`mode` text NOT NULL,
	`reasons` text NOT NULL,
	`model_version` text NOT NULL,
	`assessed_at` text NOT NULL,
	`review_outcome` text,
	`reviewed_by` text,
	`reviewed_at` text
);
--> statement-breakpoint
ALTER TABLE `orders` ADD `stock_committed_at` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `stock_returned_at` text;--> statement-breakpoint
CREATE INDEX `orders_stock_unsettled_idx` ON `orders` (`updated_at`) WHERE "orders"."stock_committed_at" IS NULL OR ("orders"."status" = 'cancelled' AND "orders"."stock_returned_at" IS NULL);