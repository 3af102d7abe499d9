-- Schema 2: what sync needs beyond the outbox: ICE updates pulled back (applied
-- once each, by update_id) and the sync cursor and acknowledgement state.

CREATE TABLE ice_update (
    update_id   TEXT PRIMARY KEY,
    hold_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    at          TEXT NOT NULL,
    details     TEXT NOT NULL,            -- JSON as received
    applied_at  TEXT NOT NULL,
    known_hold  INTEGER NOT NULL,
    known_kind  INTEGER NOT NULL
);
CREATE INDEX ice_update_by_hold ON ice_update(hold_id);

CREATE TABLE sync_state (
    singleton          INTEGER PRIMARY KEY CHECK (singleton = 1),
    cursor             TEXT,
    acked_seq          INTEGER NOT NULL DEFAULT 0,
    last_success_at    TEXT,
    last_attempt_at    TEXT,
    last_error_code    TEXT,
    last_error         TEXT,
    server_time_skew_s INTEGER,
    batch_size         INTEGER NOT NULL DEFAULT 500
);
INSERT INTO sync_state (singleton) VALUES (1);

-- Events the endpoint stored but judged invalid, for a supervisor.
CREATE TABLE sync_rejection (
    seq        INTEGER PRIMARY KEY,
    event_id   TEXT NOT NULL,
    code       TEXT NOT NULL,
    message    TEXT NOT NULL,
    seen_at    TEXT NOT NULL
);
