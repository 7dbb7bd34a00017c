-- The report's stocker, projected onto the item row (ReplicaProjection): each page of the report
-- reads one index in (quantity, sku) order instead of looking up every item's stocker in
-- user_replica. Every write of user_replica refreshes the items that reference the person in the
-- same transaction, and a restock sets these columns in the statement that changes
-- last_stocked_by. The freshness of the projected copy is the copy's own: its synced_at and the
-- watermark of its partition.
ALTER TABLE items
  ADD COLUMN stocker_id        uuid,
  ADD COLUMN stocker_name      text,
  ADD COLUMN stocker_email     text,
  ADD COLUMN stocker_phone     text,
  ADD COLUMN stocker_version   bigint,
  ADD COLUMN stocker_deleted   boolean,
  ADD COLUMN stocker_synced_at timestamptz,
  ADD COLUMN stocker_partition integer;

-- A write of a person's copy finds the items they stocked last.
CREATE INDEX items_last_stocked_by ON items (last_stocked_by);

UPDATE items i SET
  stocker_id = r.id, stocker_name = r.name, stocker_email = r.email, stocker_phone = r.phone,
  stocker_version = r.version, stocker_deleted = r.deleted, stocker_synced_at = r.synced_at,
  stocker_partition = r.partition
FROM user_replica r
WHERE r.id = i.last_stocked_by;
