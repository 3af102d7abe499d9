-- Command-line sessions (cli.md "Signing in on the command line"): the token
-- itself lives in a 0600 file in the user's runtime directory; only its
-- SHA-256 is kept here, so a copy of the database signs nobody in.
CREATE TABLE IF NOT EXISTS cli_session (
    token_hash    TEXT PRIMARY KEY,
    username      TEXT NOT NULL REFERENCES user(username),
    signed_in_at  TEXT NOT NULL,
    last_used_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cli_session_user ON cli_session (username);
