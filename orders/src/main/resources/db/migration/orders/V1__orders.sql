-- Orders and the snapshots they were placed with (never updated from the owners afterwards).
CREATE TABLE orders (
  id               uuid        PRIMARY KEY,
  customer_id      uuid        NOT NULL,
  status           text        NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'REJECTED')),
  customer         jsonb,
  lines            jsonb       NOT NULL DEFAULT '[]',
  total_cents      bigint      NOT NULL DEFAULT 0,
  shipping_address jsonb       NOT NULL,
  rejection        jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX orders_customer_id ON orders (customer_id, id);
