-- Withdrawing access: admins change roles, disable or remove people, list and end their sessions,
-- and revoke calendar feeds. A removed person keeps their row (their name stays on timelines and
-- reviews) but can never sign in, be paged or act again.

ALTER TABLE users ADD COLUMN disabled_at INTEGER;
ALTER TABLE users ADD COLUMN removed_at INTEGER;

-- Sessions get an id an admin can name (the token hash is never shown) and the device they came from.
ALTER TABLE sessions ADD COLUMN id TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
UPDATE sessions SET id = 'sid_' || lower(hex(randomblob(10))) WHERE id IS NULL;
CREATE UNIQUE INDEX sessions_id ON sessions(id);

-- Calendar feeds get an id to revoke them by, and who made them.
ALTER TABLE calendar_feeds ADD COLUMN id TEXT;
ALTER TABLE calendar_feeds ADD COLUMN created_by TEXT;
UPDATE calendar_feeds SET id = 'cal_' || lower(hex(randomblob(10))) WHERE id IS NULL;
CREATE UNIQUE INDEX calendar_feeds_id ON calendar_feeds(id);

-- Incident rooms a person has opened a live socket in, so withdrawing their access can close those
-- sockets. Written before the socket is accepted; a row whose socket is gone costs one no-op call.
CREATE TABLE live_rooms (
  user_id     TEXT NOT NULL,
  incident_id TEXT NOT NULL,
  at          INTEGER NOT NULL,
  PRIMARY KEY (user_id, incident_id)
);
