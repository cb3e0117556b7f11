-- Directory and incident index. An incident's truth lives in its Durable Object;
-- the incidents table here is an index the object keeps current through its outbox.

CREATE TABLE users (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('admin', 'responder', 'viewer')),
  created_at  INTEGER NOT NULL
);

CREATE TABLE invites (
  token_hash  TEXT PRIMARY KEY,
  role        TEXT NOT NULL CHECK (role IN ('admin', 'responder', 'viewer')),
  -- set when the invite signs in an existing user (the admin's first sign-in link)
  user_id     TEXT REFERENCES users(id),
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_at     INTEGER,
  used_by     TEXT
);

CREATE TABLE sessions (
  token_hash  TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL REFERENCES users(id),
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id          TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL REFERENCES users(id),
  name        TEXT NOT NULL,
  token_hash  TEXT NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at  INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE services (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  policy_id   TEXT,
  created_at  INTEGER NOT NULL
);

CREATE TABLE integrations (
  id          TEXT PRIMARY KEY,
  service_id  TEXT NOT NULL REFERENCES services(id),
  type        TEXT NOT NULL,
  name        TEXT NOT NULL DEFAULT '',
  key_hash    TEXT NOT NULL UNIQUE,
  -- optional shared secret for signed webhooks (Grafana HMAC); stored as given, it is the sender's key
  signing_secret TEXT,
  rate_per_minute INTEGER NOT NULL DEFAULT 120,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);
CREATE INDEX integrations_service ON integrations(service_id);

CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('incident_number', 0);

CREATE TABLE incidents (
  id              TEXT PRIMARY KEY,
  number          INTEGER NOT NULL UNIQUE,
  title           TEXT NOT NULL,
  service_id      TEXT,
  severity        TEXT NOT NULL,
  status          TEXT NOT NULL,
  assignees       TEXT NOT NULL DEFAULT '[]',
  alert_count     INTEGER NOT NULL DEFAULT 0,
  dedup_key       TEXT,
  nobody_paged    INTEGER NOT NULL DEFAULT 0,
  escalation_level INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  acknowledged_at INTEGER,
  acknowledged_by TEXT,
  resolved_at     INTEGER,
  resolved_by     TEXT,
  updated_at      INTEGER NOT NULL,
  -- the object's last timeline seq: upserts only move forward, so a late retry never regresses the index
  version         INTEGER NOT NULL
);
CREATE INDEX incidents_created ON incidents(created_at DESC, id DESC);
CREATE INDEX incidents_status ON incidents(status, created_at DESC);
CREATE INDEX incidents_service ON incidents(service_id, created_at DESC);

CREATE TABLE incident_assignees (
  incident_id TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  PRIMARY KEY (incident_id, user_id)
);
CREATE INDEX incident_assignees_user ON incident_assignees(user_id);
