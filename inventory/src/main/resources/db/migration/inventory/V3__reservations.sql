-- Reservations: stock taken for an order until it is confirmed (sold), released or expires.
-- items.reserved is the sum of the quantities of HELD reservations, kept on the item row so that
-- taking stock is a guarded UPDATE under a row lock (never oversold; the CHECK on items is the net).
CREATE TABLE reservations (
  reservation_id text        PRIMARY KEY,
  -- SHA-256 of the canonical request (lines merged by sku and sorted, ttl): tells an identical
  -- replay (200) from an id reused with another body (422).
  fingerprint    text        NOT NULL,
  ttl_seconds    integer     NOT NULL CHECK (ttl_seconds > 0),
  status         text        NOT NULL CHECK (status IN ('HELD', 'CONFIRMED', 'RELEASED', 'EXPIRED')),
  expires_at     timestamptz NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- The sweeper reads only live holds, oldest deadline first.
CREATE INDEX reservations_expiring ON reservations (expires_at) WHERE status = 'HELD';

-- One line per sku. name and unit_price_cents are a snapshot taken when the stock was reserved:
-- orders keeps them as the price and name the order was placed with.
CREATE TABLE reservation_lines (
  reservation_id   text    NOT NULL REFERENCES reservations (reservation_id) ON DELETE CASCADE,
  sku              text    NOT NULL REFERENCES items (sku),
  quantity         integer NOT NULL CHECK (quantity > 0),
  name             text    NOT NULL,
  unit_price_cents bigint  NOT NULL CHECK (unit_price_cents >= 0),
  PRIMARY KEY (reservation_id, sku)
);
