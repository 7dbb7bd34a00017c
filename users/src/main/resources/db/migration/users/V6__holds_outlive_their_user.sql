-- Erasing a person cascaded to every hold of theirs, captured ones included: a capture that had
-- landed (its answer lost) was then retried against nothing, answered 404, and the saga rejected
-- an order whose money had been taken and returned its stock. Settled holds now stay until the
-- retention purge, the evidence of what was captured; live holds still end with their person (the
-- credit they held is gone with the row), by this trigger in the deleting statement, so a pod
-- still running the code before this migration deletes exactly as it did.
ALTER TABLE credit_holds DROP CONSTRAINT credit_holds_user_id_fkey;

CREATE FUNCTION credit_holds_end_live_holds_of_deleted_user() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM credit_holds WHERE user_id = OLD.id AND status = 'HELD';
  RETURN NULL;
END
$$;

CREATE TRIGGER users_deleted_end_live_holds AFTER DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION credit_holds_end_live_holds_of_deleted_user();
