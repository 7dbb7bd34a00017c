-- A notification commits under one lock that every notifying transaction of the whole cluster
-- takes in turn and holds through its commit's WAL flush: at 500 writes a second with durable
-- commits, users' writes queued on it. The relay needs waking only when it may be idle: a write
-- behind an event still waiting does not notify, since a relay that publishes looks again at
-- once, and keeps looking for a second after its last publishing cycle (RelayFollowUps), which
-- sees such a write commit. Polling stays the fallback for a notification lost, and for a relay
-- of a version before this one (it does not look again: until every instance runs this version,
-- a write can wait for the poll).
DROP TRIGGER outbox_notify ON outbox;

CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  first_id bigint;
BEGIN
  SELECT min(id) INTO first_id FROM inserted;
  IF first_id IS NULL THEN
    RETURN NULL; -- a statement that wrote no event (a guarded write that matched nothing)
  END IF;
  -- Only the 1,000 ids before the write are looked at: the probe stays a short index range
  -- however many entries of published rows the partial index still holds further back (they go
  -- with VACUUM); an older event still waiting only costs a notification.
  IF NOT EXISTS (
    SELECT 1 FROM outbox
    WHERE published_at IS NULL AND id < first_id AND id >= first_id - 1000
  ) THEN
    PERFORM pg_notify('outbox', '');
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
