-- Items and their stock: owned here and never copied elsewhere.
CREATE TABLE items (
  sku                 text        PRIMARY KEY,
  name                text        NOT NULL,
  price_cents         bigint      NOT NULL CHECK (price_cents >= 0),
  quantity            integer     NOT NULL DEFAULT 0 CHECK (quantity >= 0),
  reserved            integer     NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= quantity),
  low_stock_threshold integer     NOT NULL DEFAULT 5 CHECK (low_stock_threshold >= 0),
  last_stocked_at     timestamptz,
  last_stocked_by     uuid,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- The low-stock report reads items in (quantity, sku) order.
CREATE INDEX items_quantity_sku ON items (quantity, sku);
