-- Schema 4: custody under the WSO agreement (agreement.md). The MOA's dates,
-- the agreements that replace the 48 hours, each officer's authorization, the
-- criminal release that anchors the clock, the duties after service (notice to
-- ICE, claims of U.S. citizenship) and incidents. A claim holds the person's
-- words only: no field anywhere holds a status.

-- NULL effective_on: a facility file from before [moa] ("not recorded"), read as in force.
ALTER TABLE facility ADD COLUMN moa_effective_on TEXT;
ALTER TABLE facility ADD COLUMN moa_terminated_at TEXT;

CREATE TABLE agreement (
    id                TEXT PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('igsa', 'usms_iga', 'boa', 'other')),
    number            TEXT,
    effective_on      TEXT,               -- NULL only for the old `igsa = true` switch
    expires_on        TEXT,
    hold_limit_hours  INTEGER CHECK (hold_limit_hours IS NULL OR hold_limit_hours > 0),
    note              TEXT,
    -- 1: the old `igsa = true` switch: always in force, no limit, the default.
    standing          INTEGER NOT NULL DEFAULT 0 CHECK (standing IN (0, 1))
);
INSERT INTO agreement (id, kind, standing) SELECT 'igsa', 'igsa', 1 FROM facility WHERE igsa = 1;

-- NULL authorized_on: an officer added before this rule ("authorization date not recorded").
ALTER TABLE officer ADD COLUMN authorized_on TEXT;
ALTER TABLE officer ADD COLUMN withdrawn_at TEXT;
ALTER TABLE officer ADD COLUMN withdrawn_reason TEXT;

-- NULL criminal_release_at: a hold booked before this rule; read as served_at
-- and shown as "criminal release time not recorded".
ALTER TABLE hold ADD COLUMN criminal_release_at TEXT;
ALTER TABLE hold ADD COLUMN criminal_release_basis TEXT;
ALTER TABLE hold ADD COLUMN ice_supervisor TEXT;
ALTER TABLE hold ADD COLUMN language TEXT;
ALTER TABLE hold ADD COLUMN interpreter TEXT;
ALTER TABLE hold ADD COLUMN interpreter_declined INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hold ADD COLUMN agreement_id TEXT REFERENCES agreement(id);
ALTER TABLE hold ADD COLUMN ice_notified_at TEXT;
ALTER TABLE hold ADD COLUMN ice_notice_method TEXT;
ALTER TABLE hold ADD COLUMN ice_notified_to TEXT;
ALTER TABLE hold ADD COLUMN destination TEXT;
UPDATE hold SET agreement_id = 'igsa' WHERE authority = 'igsa' AND EXISTS (SELECT 1 FROM agreement WHERE id = 'igsa');

-- A claim of U.S. citizenship as heard: who heard it, when, the person's words.
CREATE TABLE claim (
    claim_id         TEXT PRIMARY KEY,
    hold_id          TEXT NOT NULL REFERENCES hold(hold_id),
    claimed_at       TEXT NOT NULL,
    statement        TEXT NOT NULL,
    heard_by         TEXT NOT NULL,
    reported_at      TEXT,
    reported_method  TEXT,
    reported_to      TEXT
);
CREATE INDEX claim_by_hold ON claim(hold_id);

CREATE TABLE incident (
    incident_id  TEXT PRIMARY KEY,
    hold_id      TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('held_without_authority', 'over_deadline', 'notice_late', 'claim_report_late')),
    seconds      INTEGER NOT NULL,
    at           TEXT NOT NULL,
    detail       TEXT NOT NULL,
    reviewed_at  TEXT,
    reviewed_by  TEXT,
    note         TEXT
);
CREATE INDEX incident_by_hold ON incident(hold_id);
CREATE INDEX incident_unreviewed ON incident(reviewed_at, at);
