-- Settled reservations (confirmed, released, expired, returned) are deleted after the retention
-- (COMMITMENT_RETENTION); this index keeps that purge bounded by what it deletes.
CREATE INDEX reservations_settled ON reservations (updated_at) WHERE status <> 'HELD';
