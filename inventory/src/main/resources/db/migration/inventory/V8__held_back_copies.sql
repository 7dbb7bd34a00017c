-- A copy held back from the watermarks (a change of its person parked) has partition -1. A report
-- filtered on a copied field with a consistency token asks whether any such copy was last written
-- before the token: with this index that reads the few held-back rows, not the whole copy.
-- CONCURRENTLY, so the replica consumer goes on while it is built (Flyway runs a migration that
-- holds only this statement outside a transaction). It waits for every older transaction, so
-- Flyway must hold its lock in its session, not in a transaction (Database.flyway()); with
-- Flyway's default it would wait forever.
CREATE INDEX CONCURRENTLY user_replica_held_back ON user_replica (synced_at) WHERE partition = -1;
