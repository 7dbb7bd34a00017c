-- inventory's copy of the users it shows: only name and contact, written only by the sync path
-- (events, owner fallback, reconciliation). A deleted person keeps id and version only, so a late,
-- older event cannot bring their data back.
CREATE TABLE user_replica (
  id            uuid        PRIMARY KEY,
  name          text,
  email         text,
  phone         text,
  version       bigint      NOT NULL,
  deleted       boolean     NOT NULL DEFAULT false,
  synced_at     timestamptz NOT NULL,
  partition     integer,
  reconciled_at timestamptz
);

-- The report's stocker filter is a case-insensitive name prefix.
CREATE INDEX user_replica_name_prefix ON user_replica (lower(name) text_pattern_ops);

-- The restock audit: a record of what was. stocker_name is the name at that moment, never updated.
CREATE TABLE restocks (
  id           bigserial   PRIMARY KEY,
  sku          text        NOT NULL REFERENCES items (sku),
  quantity     integer     NOT NULL CHECK (quantity > 0),
  stocked_by   uuid        NOT NULL,
  stocker_name text,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX restocks_sku ON restocks (sku, id DESC);
