-- A notification commits under one lock that every notifying transaction of the whole cluster
-- takes in turn and holds through its commit's WAL flush: at 500 writes a second with durable
-- commits, users' writes queued on it (a fifth of their time in PostgreSQL). The relay needs
-- waking only when it may be idle: a write behind an event still waiting for it does not notify,
-- since a relay that publishes looks again at once, and keeps looking for a second after its
-- last publishing cycle (OutboxRelayVerticle), which sees such a write commit. Polling stays the
-- fallback for a notification lost.
CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM outbox
    WHERE published_at IS NULL AND id < (SELECT min(id) FROM inserted)
  ) THEN
    PERFORM pg_notify('outbox', '');
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER outbox_notify ON outbox;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
