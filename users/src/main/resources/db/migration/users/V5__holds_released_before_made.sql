-- A release that finds no hold records its id as released (no user, nothing held): the saga may be
-- compensating an order whose hold call it gave up on while users was still making that hold,
-- and the hold, landing later, must find the release instead of taking the customer's credit.
-- Both statements change the catalogue only: NOT VALID checks new rows without scanning the
-- existing ones (all of which have a user), so holds are not blocked while it runs.
ALTER TABLE credit_holds ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE credit_holds ADD CONSTRAINT credit_holds_user_unless_released_before_made
  CHECK (user_id IS NOT NULL OR (status = 'RELEASED' AND amount_cents = 0)) NOT VALID;
