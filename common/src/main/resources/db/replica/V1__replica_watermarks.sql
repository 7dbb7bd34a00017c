-- The owner's watermarks as applied here: every row of `partition` is current as of `watermark`.
CREATE TABLE replica_watermarks (
  topic      text        NOT NULL,
  partition  integer     NOT NULL,
  watermark  timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, partition)
);
