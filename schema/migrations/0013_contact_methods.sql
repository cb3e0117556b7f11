-- Contact methods besides push devices (worker/directory/contact-methods.ts): today email. A method pages
-- only once verified_at is set; the code that verifies it is stored hashed, with its expiry and the number
-- of wrong tries, so a guessed code is locked out after a few attempts.
CREATE TABLE contact_methods (
  id              TEXT PRIMARY KEY,
  user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind            TEXT NOT NULL CHECK (kind IN ('email')),
  address         TEXT NOT NULL,
  verified_at     INTEGER,
  code_hash       TEXT,
  code_expires_at INTEGER,
  code_attempts   INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  last_success_at INTEGER,
  last_failure_at INTEGER,
  last_failure    TEXT,
  UNIQUE (user_id, kind, address)
);
CREATE INDEX contact_methods_user ON contact_methods(user_id);

-- Notification rules per user and urgency (worker/notify/rules.ts): a JSON list of steps
-- [{"afterMinutes": 0, "channel": "push"}, …]. No row: the default (push at once, email at 3 min).
-- working_hours: JSON {timeZone, days, start, end} or NULL; low urgency outside them waits for the next start.
CREATE TABLE notification_rules (
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  urgency       TEXT NOT NULL CHECK (urgency IN ('high', 'low')),
  steps         TEXT NOT NULL,
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (user_id, urgency)
);

CREATE TABLE working_hours (
  user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  time_zone  TEXT NOT NULL,
  days       TEXT NOT NULL,
  start_min  INTEGER NOT NULL,
  end_min    INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
