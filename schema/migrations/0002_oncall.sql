-- On-call: teams, schedules (layers as JSON, rendered by worker/oncall), overrides,
-- escalation policies (levels as JSON), calendar feed secrets, and Web Push subscriptions.

CREATE TABLE teams (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);

CREATE TABLE team_members (
  team_id     TEXT NOT NULL REFERENCES teams(id),
  user_id     TEXT NOT NULL REFERENCES users(id),
  PRIMARY KEY (team_id, user_id)
);

CREATE TABLE schedules (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  team_id     TEXT REFERENCES teams(id),
  time_zone   TEXT NOT NULL,
  layers      TEXT NOT NULL DEFAULT '[]',
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE schedule_overrides (
  id          TEXT PRIMARY KEY,
  schedule_id TEXT NOT NULL REFERENCES schedules(id),
  user_id     TEXT NOT NULL REFERENCES users(id),
  start_at    INTEGER NOT NULL,
  end_at      INTEGER NOT NULL,
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX schedule_overrides_window ON schedule_overrides(schedule_id, end_at);

CREATE TABLE escalation_policies (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL,
  levels           TEXT NOT NULL DEFAULT '[]',
  repeat           INTEGER NOT NULL DEFAULT 1,
  renotify_minutes INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);

-- Secret calendar feed URLs (kind 'schedule' or 'user'); only the keyed hash is stored.
CREATE TABLE calendar_feeds (
  token_hash  TEXT PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('schedule', 'user')),
  ref_id      TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);

CREATE TABLE push_subscriptions (
  id          TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL REFERENCES users(id),
  label       TEXT NOT NULL,
  endpoint    TEXT NOT NULL UNIQUE,
  p256dh      TEXT NOT NULL,
  auth        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  last_success_at INTEGER,
  last_failure_at INTEGER,
  last_failure TEXT
);
CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id);
