-- The endpoint's PostgreSQL schema, the same tables as the SQLite file
-- (endpoint/src/store/sqlite.rs). `id` is the facility feed's position: the
-- push that assigns it holds the facility's advisory lock until it commits,
-- so within a facility ids are assigned in commit order
-- (docs/adr/0019-endpoint-on-postgresql.md).
CREATE TABLE desk_event (
    id          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    desk_id     text NOT NULL,
    seq         bigint NOT NULL CHECK (seq >= 1),
    event_id    text NOT NULL,
    facility_id text NOT NULL,
    type        text NOT NULL,
    -- The canonical JSON text as the desk hashed it (text, not jsonb: kept byte for byte).
    envelope    text NOT NULL,
    hash        text NOT NULL,
    stored_at   timestamptz NOT NULL,
    -- Two endpoint processes on one database can never store a seq twice.
    PRIMARY KEY (desk_id, seq)
);
CREATE INDEX desk_event_by_id ON desk_event (desk_id, event_id);
CREATE INDEX desk_event_by_facility ON desk_event (facility_id, id);

CREATE TABLE rejection (
    desk_id  text NOT NULL,
    seq      bigint NOT NULL,
    event_id text NOT NULL,
    code     text NOT NULL,
    message  text NOT NULL,
    PRIMARY KEY (desk_id, seq)
);

CREATE TABLE ice_update (
    pos         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    update_id   text NOT NULL,
    facility_id text NOT NULL,
    hold_id     text NOT NULL,
    kind        text NOT NULL,
    -- As given (RFC 3339 text, as in the SQLite file): the desk judges it.
    at          text NOT NULL,
    details     text NOT NULL,
    queued_at   timestamptz NOT NULL
);
CREATE INDEX ice_update_by_facility ON ice_update (facility_id, pos);
