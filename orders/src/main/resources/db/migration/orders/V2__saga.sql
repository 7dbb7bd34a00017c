-- The saga is persisted step by step, so any instance can resume it after a crash.
ALTER TABLE orders
  ADD COLUMN placed_by       text        NOT NULL DEFAULT '',
  ADD COLUMN idempotency_key text        NOT NULL DEFAULT '',
  ADD COLUMN request_hash    text        NOT NULL DEFAULT '',
  ADD COLUMN requested_lines jsonb       NOT NULL DEFAULT '[]',
  ADD COLUMN step            text        NOT NULL DEFAULT 'CUSTOMER'
    CHECK (step IN ('CUSTOMER', 'RESERVE', 'HOLD', 'CONFIRM', 'CAPTURE', 'COMPENSATE', 'DONE')),
  ADD COLUMN attempts        integer     NOT NULL DEFAULT 0,
  ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN deadline_at     timestamptz NOT NULL DEFAULT now() + interval '30 seconds',
  ADD COLUMN lease_until     timestamptz,
  ADD COLUMN lease_owner     text,
  ADD COLUMN pending_reason  text,
  ADD COLUMN pending_detail  text;

-- Same caller, same key: the same order.
CREATE UNIQUE INDEX orders_idempotency ON orders (placed_by, idempotency_key);
-- The saga worker's queue: sagas with work left (a REJECTED order may still be compensating).
CREATE INDEX orders_due ON orders (next_attempt_at) WHERE step <> 'DONE';

-- orders' copy of its customers: only what an order records about them.
CREATE TABLE customer_replica (
  id            uuid        PRIMARY KEY,
  name          text,
  email         text,
  version       bigint      NOT NULL,
  deleted       boolean     NOT NULL DEFAULT false,
  synced_at     timestamptz NOT NULL,
  partition     integer,
  reconciled_at timestamptz
);
