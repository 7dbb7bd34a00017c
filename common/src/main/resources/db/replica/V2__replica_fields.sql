-- Which fields each replica table copies, and since when: a row synced before `since` was copied
-- without some of them, so it may not borrow its partition's watermark to claim it is current
-- (it is current only as of its own synced_at) until an event, the fallback or the backfill
-- writes it again.
CREATE TABLE replica_fields (
  replica text        PRIMARY KEY,
  fields  text[]      NOT NULL,
  since   timestamptz NOT NULL
);
