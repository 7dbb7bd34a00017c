-- The owner's record of people. Email is unique regardless of case.
CREATE TABLE users (
  id                 uuid PRIMARY KEY,
  name               text        NOT NULL,
  email              text        NOT NULL,
  phone              text,
  credit_limit_cents bigint      NOT NULL DEFAULT 0 CHECK (credit_limit_cents >= 0),
  captured_cents     bigint      NOT NULL DEFAULT 0 CHECK (captured_cents >= 0),
  version            bigint      NOT NULL DEFAULT 1,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX users_email_unique ON users (lower(email));
