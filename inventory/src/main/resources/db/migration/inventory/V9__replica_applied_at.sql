-- When this database last wrote each copy (an event, the owner's answer, a repair). Reconciliation
-- removes only copies written before its pass began: a person whose registration committed at the
-- owner after the pass read their page, and whose event arrived here meanwhile, is not one the
-- owner lacks, though that event (and its synced_at) is older than the page. now() is a constant
-- default here: the column is added without rewriting the table.
ALTER TABLE user_replica ADD COLUMN applied_at timestamptz NOT NULL DEFAULT now();
