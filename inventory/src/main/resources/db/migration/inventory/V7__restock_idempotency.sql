-- A stocker's client retrying a restock (after a timeout, say) sends the same Idempotency-Key: the
-- restock it names is answered again instead of adding the stock twice. Keys are the stocker's own.
-- Adding a nullable column is instant. The partial index starts empty (every earlier row is NULL),
-- but building it reads the table once while restocks wait (a SHARE lock): about a second per
-- million audit entries. Not CONCURRENTLY: Flyway would have to run it outside its transaction.
ALTER TABLE restocks ADD COLUMN idempotency_key text;

CREATE UNIQUE INDEX restocks_idempotency ON restocks (stocked_by, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
