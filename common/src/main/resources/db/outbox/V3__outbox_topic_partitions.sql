-- The partitions each event topic's keys go to, pinned the first time a relay saw the topic (its
-- partition count then): partitions added to the topic later get no keys, so no key ever moves
-- and a partition's watermarks keep vouching only for what is on it.
CREATE TABLE outbox_topic_partitions (
  topic      text        PRIMARY KEY,
  partitions integer     NOT NULL CHECK (partitions > 0),
  pinned_at  timestamptz NOT NULL DEFAULT now()
);
