-- People held back from the watermarks before this copy had a row for them: their first change
-- here was parked (dead-lettered), so there is no copy to mark with partition -1, yet a claim over
-- the whole copy (a filter with a consistency token) must not vouch for it while that change is
-- missing. A hold counts only while the person has no copy (whatever writes one ends it); a
-- reconciliation that began after the hold has read the owner removes it.
CREATE TABLE replica_held_back (
  replica text        NOT NULL,
  id      uuid        NOT NULL,
  held_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (replica, id)
);
