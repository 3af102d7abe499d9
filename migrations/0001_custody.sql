-- Schema 1: the facility, people who use the desk, the officer roster, holds,
-- the outbox of sync events and the local audit log.
-- Nothing about citizenship, nationality, alienage, country of birth,
-- immigration status or removability is stored, anywhere (domain.md).

CREATE TABLE facility (
    singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),
    id            TEXT NOT NULL,
    name          TEXT NOT NULL,
    timezone      TEXT NOT NULL,
    igsa          INTEGER NOT NULL CHECK (igsa IN (0, 1)),
    shift_hours   INTEGER NOT NULL CHECK (shift_hours BETWEEN 1 AND 24),
    perimeter     TEXT NOT NULL,          -- JSON [[lat_e7, lon_e7], ...]
    desk_id       TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE zone (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    inside  INTEGER NOT NULL CHECK (inside IN (0, 1))
);

CREATE TABLE user (
    username              TEXT PRIMARY KEY,
    full_name             TEXT NOT NULL,
    role                  TEXT NOT NULL CHECK (role IN ('deputy', 'supervisor', 'admin')),
    password_hash         TEXT NOT NULL,
    active                INTEGER NOT NULL DEFAULT 1,
    must_change_password  INTEGER NOT NULL DEFAULT 0,
    locked_at             TEXT,
    created_at            TEXT NOT NULL
);

-- Failed sign-ins, kept to count them in a window (AC-7).
CREATE TABLE sign_in_failure (
    id        INTEGER PRIMARY KEY,
    username  TEXT NOT NULL,
    at        TEXT NOT NULL
);

CREATE TABLE officer (
    credential  TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    trained_on  TEXT NOT NULL,
    expires_on  TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL
);

-- The current state of each hold: a projection of its events, written in the
-- same transaction as the event that changes it.
CREATE TABLE hold (
    hold_id             TEXT PRIMARY KEY,
    status              TEXT NOT NULL CHECK (status IN ('open', 'transferred', 'released')),
    family_name         TEXT NOT NULL,
    given_names         TEXT NOT NULL,
    date_of_birth       TEXT NOT NULL,
    booking_number      TEXT NOT NULL,
    a_number            TEXT,
    warrant_form        TEXT NOT NULL CHECK (warrant_form IN ('I-200', 'I-205')),
    warrant_number      TEXT NOT NULL,
    detainer_number     TEXT,
    officer_credential  TEXT NOT NULL REFERENCES officer(credential),
    served_at           TEXT NOT NULL,
    zone_id             TEXT NOT NULL REFERENCES zone(id),
    lat_e7              INTEGER,
    lon_e7              INTEGER,
    inside_perimeter    INTEGER NOT NULL,
    authority           TEXT NOT NULL CHECK (authority IN ('wso_48h', 'igsa')),
    deadline_at         TEXT,
    last_event_at       TEXT NOT NULL,
    closed_at           TEXT,
    release_reason      TEXT,
    release_note        TEXT,
    ice_officer         TEXT,
    -- Set by ICE updates (sync): detainer cancelled / warrant withdrawn.
    ice_release_kind    TEXT,
    custody_assumed_by  TEXT,
    pickup_at           TEXT
);
CREATE INDEX hold_open_by_deadline ON hold(status, deadline_at);
CREATE INDEX hold_closed ON hold(status, closed_at);

-- The transactional outbox and the per-desk hash chain (sync-protocol.md).
CREATE TABLE event (
    seq           INTEGER PRIMARY KEY,
    event_id      TEXT NOT NULL UNIQUE,
    hold_id       TEXT NOT NULL,
    type          TEXT NOT NULL,
    occurred_at   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    envelope      TEXT NOT NULL,          -- canonical JSON, hash included
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL,
    delivered     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX event_by_hold ON event(hold_id, seq);

-- Local audit trail of everything that is not a custody event (hash chained).
CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,             -- UTC, microseconds
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT,
    desk       TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    detail     TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);

CREATE TABLE setting (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
