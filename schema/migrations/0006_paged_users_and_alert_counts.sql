-- Who an open incident is waiting on, and alert counts that mean what they say.
--
-- "Needs me" lists an unacknowledged incident for everyone paged for it, and an open one for its assignees
-- and role holders. Assignees already have incident_assignees; paged users and role holders get theirs here,
-- written by the incident object through its outbox like the rest of the index.
ALTER TABLE incidents ADD COLUMN paged TEXT NOT NULL DEFAULT '[]';
ALTER TABLE incidents ADD COLUMN roles TEXT NOT NULL DEFAULT '{}';

CREATE TABLE incident_responders (
  incident_id TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  -- 'paged': paged since the incident (re)opened, counts while it is triggered; 'role': holds an incident role
  relation    TEXT NOT NULL CHECK (relation IN ('paged', 'role')),
  PRIMARY KEY (incident_id, user_id, relation)
);
CREATE INDEX incident_responders_user ON incident_responders(user_id, relation);

-- alert_count is now distinct alerts (by fingerprint / dedup key); every notification that arrived,
-- repeats and sender retries included, is notification_count. Until an incident is next written its
-- old alert_count was that notification count, so that is what notification_count starts from.
ALTER TABLE incidents ADD COLUMN firing_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN notification_count INTEGER NOT NULL DEFAULT 0;
UPDATE incidents SET notification_count = alert_count;

-- Resolving used to stamp acknowledged_at = resolved_at (by the same actor) on an incident nobody
-- acknowledged, which made MTTA read 0 s. No person acknowledges and resolves in the same millisecond.
UPDATE incidents SET acknowledged_at = NULL, acknowledged_by = NULL
  WHERE acknowledged_at IS NOT NULL AND acknowledged_at = resolved_at AND acknowledged_by IS resolved_by;
