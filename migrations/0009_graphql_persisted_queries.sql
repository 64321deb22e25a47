CREATE TABLE `graphql_persisted_queries` (
	`sha256_hash` text PRIMARY KEY NOT NULL,
	`query` text NOT NULL,
	`created_at` text NOT NULL
);
