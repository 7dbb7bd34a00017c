-- Settled credit holds (captured, released, expired) are deleted after the retention
-- (COMMITMENT_RETENTION); this index keeps that purge bounded by what it deletes.
CREATE INDEX credit_holds_settled ON credit_holds (updated_at) WHERE status <> 'HELD';
