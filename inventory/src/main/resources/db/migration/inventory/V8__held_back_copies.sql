-- A copy held back from the watermarks (a change of its person parked) has partition -1. A report
-- filtered on a copied field with a consistency token asks whether any such copy was last written
-- before the token: with this index that reads the few held-back rows, not the whole copy.
-- Not CONCURRENTLY: a concurrent build waits for every older transaction, and one cut short (a pod
-- killed by its startup probe) leaves an invalid index and a failed migration that only a manual
-- repair clears. In the transaction, the build reads the copy once while its writers (the replica
-- consumer) wait, about a second per million rows; a pod killed meanwhile leaves nothing behind.
CREATE INDEX user_replica_held_back ON user_replica (synced_at) WHERE partition = -1;
