-- Schema 7: comparison keys for warrant and booking numbers, so look-alike
-- spellings of one number ("W-sql", "w-sql", "Ｗ-ｓｑｌ", "W-<zero-width
-- space>sql") are one number to the desk, and one open hold per warrant is a
-- rule of the schema, not only of the code.
--
-- wso_match_key() is custody::text::match_key (NFKC, case folded, dashes as
-- one dash, invisible and direction characters removed, trimmed), registered
-- on every connection the desk opens before this script runs. The numbers
-- themselves stay exactly as typed; only the keys are compared.

ALTER TABLE hold ADD COLUMN warrant_key TEXT;
ALTER TABLE hold ADD COLUMN booking_key TEXT;

UPDATE hold SET warrant_key = wso_match_key(warrant_number),
                booking_key = wso_match_key(booking_number);

-- Double bookings made before this rule existed are kept (they are custody
-- history) but the later hold's key is marked with its hold_id, so the index
-- below can be built; the earliest hold keeps the plain key, so a new booking
-- on that warrant is refused.
UPDATE hold SET warrant_key = warrant_key || ' (double booking ' || hold_id || ')'
 WHERE status = 'open'
   AND EXISTS (SELECT 1 FROM hold AS earlier
                WHERE earlier.status = 'open'
                  AND earlier.warrant_form = hold.warrant_form
                  AND earlier.warrant_key = hold.warrant_key
                  AND earlier.rowid < hold.rowid);

CREATE UNIQUE INDEX hold_one_open_per_warrant ON hold(warrant_form, warrant_key)
 WHERE status = 'open';
CREATE INDEX hold_by_booking_key ON hold(booking_key);

-- Every writer of hold (booking, correction, sync, any later code) keeps the
-- keys right without having to remember them.
CREATE TRIGGER hold_keys_on_insert AFTER INSERT ON hold
BEGIN
  UPDATE hold SET warrant_key = wso_match_key(NEW.warrant_number),
                  booking_key = wso_match_key(NEW.booking_number)
   WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER hold_keys_on_update AFTER UPDATE OF warrant_number, booking_number ON hold
BEGIN
  UPDATE hold SET warrant_key = wso_match_key(NEW.warrant_number),
                  booking_key = wso_match_key(NEW.booking_number)
   WHERE rowid = NEW.rowid;
END;
