-- An order of free items holds 0 cents: a real hold, captured like any other, so the saga has one
-- path for every order.
ALTER TABLE credit_holds DROP CONSTRAINT credit_holds_amount_cents_check;
ALTER TABLE credit_holds ADD CONSTRAINT credit_holds_amount_cents_check CHECK (amount_cents >= 0);
