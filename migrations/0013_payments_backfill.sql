-- Issue 10: orders gain a payment status and a fulfilment status beside the lifecycle status, and
-- payments move to the payments module. Existing orders: their statuses follow from the lifecycle
-- status, and the manual provider's captures/refunds (legacy `payments` table) become one payment
-- attempt per order with its operations.
UPDATE `orders` SET `payment_status` = CASE `status`
  WHEN 'paid' THEN 'paid' WHEN 'fulfilled' THEN 'paid' WHEN 'refunded' THEN 'refunded'
  WHEN 'cancelled' THEN (CASE WHEN EXISTS (SELECT 1 FROM `payments` p WHERE p.`order_id` = `orders`.`id` AND p.`kind` = 'refund') THEN 'refunded' ELSE 'voided' END)
  ELSE 'pending' END;--> statement-breakpoint
UPDATE `orders` SET `fulfillment_status` = 'fulfilled' WHERE `status` = 'fulfilled';--> statement-breakpoint
INSERT INTO `payment_attempts` (`id`, `order_id`, `provider`, `provider_ref`, `status`, `capture_method`, `currency`, `amount`, `amount_authorized`, `amount_captured`, `amount_refunded`, `created_at`, `updated_at`)
SELECT 'pay_legacy_' || p.`order_id`, p.`order_id`, min(p.`provider`), NULL, 'succeeded', 'automatic', min(p.`currency`),
  sum(CASE WHEN p.`kind` = 'capture' THEN p.`amount` ELSE 0 END),
  sum(CASE WHEN p.`kind` = 'capture' THEN p.`amount` ELSE 0 END),
  sum(CASE WHEN p.`kind` = 'capture' THEN p.`amount` ELSE 0 END),
  min(sum(CASE WHEN p.`kind` = 'refund' THEN p.`amount` ELSE 0 END), sum(CASE WHEN p.`kind` = 'capture' THEN p.`amount` ELSE 0 END)),
  min(p.`created_at`), max(p.`created_at`)
FROM `payments` p GROUP BY p.`order_id`;--> statement-breakpoint
INSERT INTO `payment_operations` (`id`, `payment_id`, `order_id`, `kind`, `amount`, `currency`, `reference`, `actor`, `created_at`)
SELECT p.`id`, 'pay_legacy_' || p.`order_id`, p.`order_id`, p.`kind`, p.`amount`, p.`currency`, p.`reference`, 'system', p.`created_at` FROM `payments` p;
