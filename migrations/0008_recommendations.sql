CREATE TABLE `rec_customer_products` (
	`customer_id` text NOT NULL,
	`product_id` text NOT NULL,
	`orders` integer NOT NULL,
	`last_ordered_at` text NOT NULL,
	PRIMARY KEY(`customer_id`, `product_id`)
);
--> statement-breakpoint
CREATE TABLE `rec_item_stats` (
	`product_id` text PRIMARY KEY NOT NULL,
	`orders` integer NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rec_item_stats_orders_idx` ON `rec_item_stats` (`orders`);--> statement-breakpoint
CREATE TABLE `rec_neighbours` (
	`product_id` text NOT NULL,
	`neighbour_id` text NOT NULL,
	`score` real NOT NULL,
	`together` integer NOT NULL,
	`model_version` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`product_id`, `neighbour_id`)
);
--> statement-breakpoint
CREATE INDEX `rec_neighbours_score_idx` ON `rec_neighbours` (`product_id`,`score`);--> statement-breakpoint
CREATE TABLE `rec_orders` (
	`order_id` text PRIMARY KEY NOT NULL,
	`customer_id` text,
	`attempt` text NOT NULL,
	`recorded_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rec_pair_counts` (
	`product_id` text NOT NULL,
	`other_id` text NOT NULL,
	`orders` integer NOT NULL,
	PRIMARY KEY(`product_id`, `other_id`)
);
--> statement-breakpoint
CREATE TABLE `rec_totals` (
	`key` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
