-- Markets, prices per currency and tax classes for a shop that had one price per variant (issue 11).
-- Hand-written data migration; the tables come from 0016.

-- The built-in tax classes every product can name (products default to `standard`).
INSERT OR IGNORE INTO tax_classes (handle, name, created_at, updated_at) VALUES
  ('standard', 'Standard rate', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ('reduced', 'Reduced rate', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ('zero', 'Zero rate', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
--> statement-breakpoint

-- The default market: the currency most variants were priced in (EUR in an empty shop), prices
-- without tax (tax was added on top before markets), no countries of its own (every country).
INSERT OR IGNORE INTO markets (id, handle, name, currency, prices_include_tax, is_default, created_at, updated_at)
SELECT 'mkt_default', 'default', 'Default',
  coalesce((SELECT currency FROM variants GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1), 'EUR'),
  0, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now');
--> statement-breakpoint

-- Every variant's single price becomes its base price in its currency.
INSERT OR IGNORE INTO variant_prices (variant_id, product_id, currency, amount, compare_at_amount, updated_at)
SELECT id, product_id, currency, price_amount, compare_at_amount, updated_at FROM variants;
--> statement-breakpoint

-- Orders placed before gift cards owed their whole total.
UPDATE orders SET amount_due = total WHERE amount_due = 0 AND total > 0 AND pricing IS NULL;
