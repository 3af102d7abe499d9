-- Schema 3: sync warnings a supervisor must see that do not stop pushing
-- (the endpoint acknowledged less than before, i.e. it lost data). Stops
-- (refused credentials, 409) stay in last_error_code / last_error.

ALTER TABLE sync_state ADD COLUMN warning_code TEXT;
ALTER TABLE sync_state ADD COLUMN warning TEXT;
ALTER TABLE sync_state ADD COLUMN warning_at TEXT;
