-- When this database last wrote each copy: see the replica's removeUnreconciled (a person who
-- committed at the owner after reconciliation read their page is not removed).
ALTER TABLE customer_replica ADD COLUMN applied_at timestamptz NOT NULL DEFAULT now();
