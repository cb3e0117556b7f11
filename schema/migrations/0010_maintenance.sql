-- Maintenance windows and silences (schema/maintenance-schemas.ts). D1 is the source of truth for the API;
-- every change bumps the `quiet_versions` row of each service it touches and pushes that service's windows and
-- silences to its router object, which applies only a newer version (as with service_rules).
CREATE TABLE maintenance_windows (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  service_ids TEXT NOT NULL, -- JSON array
  schedule    TEXT NOT NULL, -- JSON WindowSchedule
  ended_at    INTEGER,
  created_at  INTEGER NOT NULL,
  created_by  TEXT NOT NULL, -- JSON {id, name}
  updated_at  INTEGER NOT NULL
);

CREATE TABLE silences (
  id          TEXT PRIMARY KEY,
  service_id  TEXT NOT NULL,
  matchers    TEXT NOT NULL, -- JSON [{field, value}]
  comment     TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  created_by  TEXT NOT NULL, -- JSON {id, name}
  ends_at     INTEGER NOT NULL,
  expired_at  INTEGER,
  incident_id TEXT
);
CREATE INDEX silences_service ON silences(service_id, ends_at);

CREATE TABLE quiet_versions (
  service_id TEXT PRIMARY KEY,
  version    INTEGER NOT NULL
);

-- The incident index shows "in maintenance: <window>" on lists: {windowId, name, until} or NULL.
ALTER TABLE incidents ADD COLUMN maintenance TEXT;
