-- Orders placed before stock settlement was tracked committed their stock inline (checkout awaited
-- commitHolds), and cancelled ones returned it inline: mark them settled so that the reconciler
-- does not pick up history.
UPDATE `orders` SET `stock_committed_at` = `placed_at` WHERE `stock_committed_at` IS NULL;--> statement-breakpoint
UPDATE `orders` SET `stock_returned_at` = `updated_at` WHERE `status` = 'cancelled' AND `stock_returned_at` IS NULL;
