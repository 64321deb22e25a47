CREATE TABLE `stock_levels` (
	`sku` text PRIMARY KEY NOT NULL,
	`on_hand` integer NOT NULL,
	`reserved` integer NOT NULL,
	`available` integer NOT NULL,
	`version` integer NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stock_levels_available_idx` ON `stock_levels` (`available`,`sku`);