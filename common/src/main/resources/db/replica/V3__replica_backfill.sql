-- When a full reconciliation last completed that began after `since`: until then the copy still
-- holds rows without the newer fields, and every instance that starts tries the backfill again.
ALTER TABLE replica_fields ADD COLUMN backfilled timestamptz;
