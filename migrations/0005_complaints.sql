-- Schema 5: complaints and allegations against participating officers, or
-- against staff who are not designated but acted in immigration functions
-- (agreement.md s7, the MOA's Appendix B). They stay on the desk (audited,
-- not synced): the jail reports them to ICE through ICE's own channel. The
-- due time is not stored: it follows from received_at and the rule in
-- core/src/custody/complaint.rs, so it can never disagree with the rule.

CREATE TABLE complaint (
    complaint_id   TEXT PRIMARY KEY,
    received_at    TEXT NOT NULL,
    -- Exactly one of: an officer on the roster, or a named staff member who is not designated.
    about_officer  TEXT REFERENCES officer(credential),
    about_staff    TEXT,
    summary        TEXT NOT NULL,
    hold_id        TEXT REFERENCES hold(hold_id),
    recorded_at    TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    reported_at    TEXT,
    reported_to    TEXT,
    reported_by    TEXT,
    CHECK ((about_officer IS NULL) <> (about_staff IS NULL)),
    CHECK ((reported_at IS NULL) = (reported_to IS NULL))
);
CREATE INDEX complaint_by_received ON complaint(received_at);
