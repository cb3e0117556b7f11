-- The public status page (worker/status/, worker/directory/status-page.ts). Everything here is meant to be
-- public: a publication carries its own public title and updates, never a copy of the incident's private fields.

-- Components customers see, grouped by `group_name` and ordered by `position`. `override_state` is a state an
-- admin published by hand; NULL means "derived from the active publications that affect it".
CREATE TABLE status_components (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  description    TEXT NOT NULL DEFAULT '',
  group_name     TEXT,
  position       INTEGER NOT NULL DEFAULT 0,
  override_state TEXT,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);

-- Which services each component stands for (one or more).
CREATE TABLE status_component_services (
  component_id TEXT NOT NULL REFERENCES status_components(id) ON DELETE CASCADE,
  service_id   TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
  PRIMARY KEY (component_id, service_id)
);
CREATE INDEX status_component_services_service ON status_component_services(service_id);

-- A publication: an incident told to the public (incident_id set), or an admin's notice or maintenance (NULL).
-- kind: incident | notice | maintenance. status: investigating | identified | monitoring | resolved
-- (maintenance: scheduled | in_progress | verifying | completed).
CREATE TABLE status_publications (
  id              TEXT PRIMARY KEY,
  incident_id     TEXT UNIQUE,
  kind            TEXT NOT NULL,
  title           TEXT NOT NULL,
  status          TEXT NOT NULL,
  scheduled_for   INTEGER,
  scheduled_until INTEGER,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  resolved_at     INTEGER
);
CREATE INDEX status_publications_open ON status_publications(resolved_at, created_at);

-- The components a publication affects, and the state it puts each in while it is open.
CREATE TABLE status_publication_components (
  publication_id TEXT NOT NULL REFERENCES status_publications(id) ON DELETE CASCADE,
  component_id   TEXT NOT NULL REFERENCES status_components(id) ON DELETE CASCADE,
  state          TEXT NOT NULL,
  PRIMARY KEY (publication_id, component_id)
);

-- Public updates, newest last. `components` is a JSON array of {id, name, old, new} at the time of the update.
CREATE TABLE status_updates (
  id             TEXT PRIMARY KEY,
  publication_id TEXT NOT NULL REFERENCES status_publications(id) ON DELETE CASCADE,
  status         TEXT NOT NULL,
  body           TEXT NOT NULL,
  components     TEXT NOT NULL DEFAULT '[]',
  created_at     INTEGER NOT NULL
);
CREATE INDEX status_updates_publication ON status_updates(publication_id, created_at);
CREATE INDEX status_updates_time ON status_updates(created_at);

-- Each component's effective state over time (a row whenever it changes): the 90-day uptime bars.
CREATE TABLE status_component_changes (
  component_id TEXT NOT NULL REFERENCES status_components(id) ON DELETE CASCADE,
  state        TEXT NOT NULL,
  at           INTEGER NOT NULL
);
CREATE INDEX status_component_changes_component ON status_component_changes(component_id, at);

-- One row: the page's version, bumped by every write above, so cached renders are keyed by it.
CREATE TABLE status_page_meta (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  version    INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
INSERT INTO status_page_meta (id, version, updated_at) VALUES (1, 1, 0);
