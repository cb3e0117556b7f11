-- Post-incident reviews and the data reporting needs beyond the incident index.
-- A review is authored text plus a snapshot of facts taken from the incident object; the
-- incident's truth stays in its Durable Object.

CREATE TABLE reviews (
  incident_id     TEXT PRIMARY KEY,
  status          TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'published')),
  -- {summary, customerImpact, rootCause, contributingFactors, wentWell, wentBadly}
  sections        TEXT NOT NULL,
  -- pre-filled from the incident object: key moments, durations, participants, alerts
  facts           TEXT NOT NULL,
  -- optimistic concurrency: every accepted edit bumps it; a stale write gets 409
  version         INTEGER NOT NULL,
  created_by      TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_by      TEXT NOT NULL,
  updated_at      INTEGER NOT NULL,
  published_at    INTEGER
);
CREATE INDEX reviews_status ON reviews(status, updated_at);

-- Action items live in their own rows so "everything open / overdue / mine" is one indexed query.
CREATE TABLE review_action_items (
  id          TEXT PRIMARY KEY,
  incident_id TEXT NOT NULL REFERENCES reviews(incident_id),
  position    INTEGER NOT NULL,
  title       TEXT NOT NULL,
  owner_id    TEXT,
  -- calendar date YYYY-MM-DD; overdue = not done and due before today (UTC)
  due_date    TEXT,
  done        INTEGER NOT NULL DEFAULT 0,
  done_at     INTEGER,
  created_at  INTEGER NOT NULL
);
CREATE INDEX review_action_items_review ON review_action_items(incident_id, position);
CREATE INDEX review_action_items_open ON review_action_items(done, due_date);
CREATE INDEX review_action_items_owner ON review_action_items(owner_id, done, due_date);

-- Who changed what in a review, newest last. `changes` is a JSON list of {field, from?, to?}.
CREATE TABLE review_edits (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id TEXT NOT NULL REFERENCES reviews(incident_id),
  version     INTEGER NOT NULL,
  edited_by   TEXT NOT NULL,
  edited_at   INTEGER NOT NULL,
  changes     TEXT NOT NULL
);
CREATE INDEX review_edits_review ON review_edits(incident_id, id);

-- One row per person paged for an incident at one moment (all their devices count once).
-- Written by the incident object's paging code through recordPages(); the key makes retries harmless.
-- Out-of-hours is decided when reporting, so the same rows answer for any time zone.
CREATE TABLE pages (
  incident_id TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  at          INTEGER NOT NULL,
  PRIMARY KEY (incident_id, user_id, at)
);
CREATE INDEX pages_at ON pages(at, user_id);

-- Reports read a time range of the index and aggregate a handful of columns; this covering index
-- answers them from the index alone, without visiting table rows.
CREATE INDEX incidents_report ON incidents(created_at, severity, service_id, acknowledged_at, resolved_at, escalation_level, alert_count);
