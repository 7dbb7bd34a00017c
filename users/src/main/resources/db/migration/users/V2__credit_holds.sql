-- Credit commitments. available = credit_limit - captured - held, where held is the sum of the
-- amounts of HELD holds, kept on the user row so a hold is one guarded UPDATE (no overspend).
ALTER TABLE users ADD COLUMN held_cents bigint NOT NULL DEFAULT 0 CHECK (held_cents >= 0);
ALTER TABLE users ADD CONSTRAINT users_credit_not_overspent
  CHECK (captured_cents + held_cents <= credit_limit_cents);

CREATE TABLE credit_holds (
  hold_id      text        PRIMARY KEY,
  user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  amount_cents bigint      NOT NULL CHECK (amount_cents > 0),
  ttl_seconds  integer     NOT NULL CHECK (ttl_seconds > 0),
  status       text        NOT NULL CHECK (status IN ('HELD', 'CAPTURED', 'RELEASED', 'EXPIRED')),
  expires_at   timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX credit_holds_expiring ON credit_holds (expires_at) WHERE status = 'HELD';
CREATE INDEX credit_holds_user ON credit_holds (user_id);
