-- A consistency token the order was placed with: the customer snapshot is taken at or past it
-- (read your own writes: a customer renamed at users just before ordering is ordered as renamed).
ALTER TABLE orders ADD COLUMN consistent_with timestamptz;
