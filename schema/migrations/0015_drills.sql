-- Page drills (worker/drills/): a team's drill settings, each drill run, and one check per method drilled.
-- A push device counts as verified once a test page to it came back with its service worker's receipt.
ALTER TABLE push_subscriptions ADD COLUMN verified_at INTEGER;

CREATE TABLE drill_settings (
  team_id         TEXT PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
  -- NULL: no scheduled drills (on demand only); else drill this many minutes before each handoff
  minutes_before  INTEGER,
  -- how long a push drill waits for the service worker's receipt before it fails
  receipt_minutes INTEGER NOT NULL DEFAULT 10,
  updated_at      INTEGER NOT NULL
);

CREATE TABLE drills (
  id           TEXT PRIMARY KEY,
  team_id      TEXT NOT NULL,
  trigger      TEXT NOT NULL CHECK (trigger IN ('scheduled', 'manual')),
  -- the handoff a scheduled drill came before; NULL on demand
  handoff_at   INTEGER,
  requested_by TEXT,
  started_at   INTEGER NOT NULL,
  deadline_at  INTEGER NOT NULL,
  finished_at  INTEGER
);
CREATE INDEX drills_team ON drills(team_id, started_at DESC);

-- status: waiting (for a receipt), passed, failed. method_id is a push subscription or contact method id;
-- label is kept so a removed device (a push service's 410) still reads in the report.
CREATE TABLE drill_checks (
  drill_id    TEXT NOT NULL REFERENCES drills(id) ON DELETE CASCADE,
  user_id     TEXT NOT NULL,
  channel     TEXT NOT NULL CHECK (channel IN ('push', 'email')),
  method_id   TEXT NOT NULL,
  label       TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('waiting', 'passed', 'failed')),
  detail      TEXT NOT NULL DEFAULT '',
  sent_at     INTEGER NOT NULL,
  receipt_at  INTEGER,
  PRIMARY KEY (drill_id, method_id)
);
CREATE INDEX drill_checks_user ON drill_checks(user_id, sent_at DESC);
