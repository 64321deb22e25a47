-- Full-text search over products (title, description, SKUs), kept in sync by triggers so that
-- every write path, including raw SQL and cascades, updates the index in the same transaction.
CREATE VIRTUAL TABLE `products_fts` USING fts5(
	`product_id` UNINDEXED,
	`title`,
	`description`,
	`skus`,
	tokenize = 'porter unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `products_fts_after_insert` AFTER INSERT ON `products` BEGIN
	INSERT INTO `products_fts` (`product_id`, `title`, `description`, `skus`)
	VALUES (NEW.`id`, NEW.`title`, NEW.`description`, (SELECT coalesce(group_concat(`sku`, ' '), '') FROM `variants` WHERE `product_id` = NEW.`id`));
END;
--> statement-breakpoint
CREATE TRIGGER `products_fts_after_update` AFTER UPDATE OF `title`, `description` ON `products` BEGIN
	UPDATE `products_fts` SET `title` = NEW.`title`, `description` = NEW.`description` WHERE `product_id` = NEW.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `products_fts_after_delete` AFTER DELETE ON `products` BEGIN
	DELETE FROM `products_fts` WHERE `product_id` = OLD.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `variants_fts_after_insert` AFTER INSERT ON `variants` BEGIN
	UPDATE `products_fts` SET `skus` = (SELECT coalesce(group_concat(`sku`, ' '), '') FROM `variants` WHERE `product_id` = NEW.`product_id`) WHERE `product_id` = NEW.`product_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `variants_fts_after_update` AFTER UPDATE OF `sku` ON `variants` BEGIN
	UPDATE `products_fts` SET `skus` = (SELECT coalesce(group_concat(`sku`, ' '), '') FROM `variants` WHERE `product_id` = NEW.`product_id`) WHERE `product_id` = NEW.`product_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `variants_fts_after_delete` AFTER DELETE ON `variants` BEGIN
	UPDATE `products_fts` SET `skus` = (SELECT coalesce(group_concat(`sku`, ' '), '') FROM `variants` WHERE `product_id` = OLD.`product_id`) WHERE `product_id` = OLD.`product_id`;
END;
