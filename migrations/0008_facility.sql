-- Schema 8: one jail, several desks (sync-protocol.md v1.1 "Several desks at
-- one facility"). The hold table becomes this desk's view of the whole
-- facility: a hold booked at another desk is a row here too, its state the
-- fold of every desk's events for it. So the hold table is rebuilt without
-- the references to this desk's roster, zones and agreements (another desk's
-- officer is not on this desk's roster), with the desk that booked it, and
-- with what a supervisor's void of a duplicate booking sets.
-- The migration runs with foreign keys off (the rebuild drops a referenced
-- table) and checks them before it commits.

CREATE TABLE hold_v8 (
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
    officer_credential  TEXT NOT NULL,
    served_at           TEXT NOT NULL,
    zone_id             TEXT NOT NULL,
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
    ice_release_kind    TEXT,
    custody_assumed_by  TEXT,
    pickup_at           TEXT,
    criminal_release_at TEXT,
    criminal_release_basis TEXT,
    ice_supervisor      TEXT,
    language            TEXT,
    interpreter         TEXT,
    interpreter_declined INTEGER NOT NULL DEFAULT 0,
    agreement_id        TEXT,
    ice_notified_at     TEXT,
    ice_notice_method   TEXT,
    ice_notified_to     TEXT,
    destination         TEXT,
    warrant_key         TEXT,
    booking_key         TEXT,
    booked_at_desk      TEXT NOT NULL,
    -- A duplicate booking a supervisor voided: no custody, on no list.
    voided_at           TEXT,
    voided_by           TEXT,
    kept_hold_id        TEXT,
    void_note           TEXT
);

INSERT INTO hold_v8
SELECT hold_id, status, family_name, given_names, date_of_birth, booking_number, a_number,
       warrant_form, warrant_number, detainer_number, officer_credential, served_at, zone_id,
       lat_e7, lon_e7, inside_perimeter, authority, deadline_at, last_event_at, closed_at,
       release_reason, release_note, ice_officer, ice_release_kind, custody_assumed_by, pickup_at,
       criminal_release_at, criminal_release_basis, ice_supervisor, language, interpreter,
       interpreter_declined, agreement_id, ice_notified_at, ice_notice_method, ice_notified_to,
       destination, warrant_key, booking_key,
       (SELECT desk_id FROM facility WHERE singleton = 1), NULL, NULL, NULL, NULL
  FROM hold;

DROP TABLE hold;
ALTER TABLE hold_v8 RENAME TO hold;

CREATE INDEX hold_open_by_deadline ON hold(status, deadline_at);
CREATE INDEX hold_closed ON hold(status, closed_at);
CREATE INDEX hold_by_booking_key ON hold(booking_key);
CREATE INDEX hold_by_warrant_key ON hold(warrant_form, warrant_key);
-- One open hold per warrant at each desk: two desks apart may each book one
-- warrant, and the facility view then shows both as a possible duplicate.
CREATE UNIQUE INDEX hold_one_open_per_warrant ON hold(warrant_form, warrant_key, booked_at_desk)
 WHERE status = 'open' AND voided_at IS NULL;

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

-- The events of the other desks of this facility, as the endpoint's facility
-- feed gave them (checked against each desk's chain; never sent again).
CREATE TABLE facility_event (
    desk_id      TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    event_id     TEXT NOT NULL,
    hold_id      TEXT NOT NULL,
    type         TEXT NOT NULL,
    occurred_at  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    envelope     TEXT NOT NULL,           -- canonical JSON, hash included
    hash         TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (desk_id, seq)
);
CREATE INDEX facility_event_by_hold ON facility_event(hold_id);

-- Each other desk as this desk last heard from it: the tail of its chain, and
-- the break or unusable event that stopped applying it (shown, never applied).
CREATE TABLE facility_desk (
    desk_id        TEXT PRIMARY KEY,
    last_seq       INTEGER NOT NULL,
    last_hash      TEXT NOT NULL,
    last_event_at  TEXT NOT NULL,         -- recorded_at of its newest event
    received_at    TEXT NOT NULL,         -- when this desk last got one of its events
    problem_seq    INTEGER,
    problem        TEXT
);

-- Actions that stand in a hold's history but did not change it: a move,
-- transfer or release of a hold another desk had already closed. Rewritten
-- with the hold's row whenever its events are folded.
CREATE TABLE hold_conflict (
    hold_id      TEXT NOT NULL,
    desk_id      TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    type         TEXT NOT NULL,
    occurred_at  TEXT NOT NULL,
    detail       TEXT NOT NULL,
    PRIMARY KEY (desk_id, seq)
);
CREATE INDEX hold_conflict_by_hold ON hold_conflict(hold_id);

ALTER TABLE sync_state ADD COLUMN facility_cursor TEXT;
ALTER TABLE sync_state ADD COLUMN facility_read_at TEXT;
