-- Phone numbers as contact methods (worker/notify/twilio.ts): kind sms or voice, address in E.164.
-- SQLite cannot widen a CHECK in place, so the table is rebuilt with the same columns and rows.
-- defer_foreign_keys: a table that references contact_methods stays valid across the drop and rename.
PRAGMA defer_foreign_keys = true;

CREATE TABLE contact_methods_0016 (
  id              TEXT PRIMARY KEY,
  user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind            TEXT NOT NULL CHECK (kind IN ('email', 'sms', 'voice')),
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
INSERT INTO contact_methods_0016 SELECT id, user_id, kind, address, verified_at, code_hash, code_expires_at,
  code_attempts, created_at, last_success_at, last_failure_at, last_failure FROM contact_methods;
DROP TABLE contact_methods;
ALTER TABLE contact_methods_0016 RENAME TO contact_methods;
CREATE INDEX contact_methods_user ON contact_methods(user_id);
-- An inbound text or call names only the caller's number: find whose verified method it is.
CREATE INDEX contact_methods_address ON contact_methods(address, kind);
