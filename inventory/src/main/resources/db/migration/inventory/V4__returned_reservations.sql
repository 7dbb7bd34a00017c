-- A confirmed reservation whose order could not be paid for gives its sold stock back (RETURNED):
-- the order saga's compensation after its pivot.
ALTER TABLE reservations DROP CONSTRAINT reservations_status_check;
ALTER TABLE reservations ADD CONSTRAINT reservations_status_check
  CHECK (status IN ('HELD', 'CONFIRMED', 'RELEASED', 'EXPIRED', 'RETURNED'));
