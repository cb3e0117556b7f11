-- Drills cover verified SMS and voice numbers too (worker/drills/send.ts): a text passes on Twilio's
-- delivery status callback (MessageStatus=delivered), a call when Twilio reports it answered (completed).
-- SQLite cannot widen a CHECK in place, so drill_checks is rebuilt with the same columns and rows.
PRAGMA defer_foreign_keys = true;

CREATE TABLE drill_checks_0018 (
  drill_id    TEXT NOT NULL REFERENCES drills(id) ON DELETE CASCADE,
  user_id     TEXT NOT NULL,
  channel     TEXT NOT NULL CHECK (channel IN ('push', 'email', 'sms', 'voice')),
  method_id   TEXT NOT NULL,
  label       TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('waiting', 'passed', 'failed')),
  detail      TEXT NOT NULL DEFAULT '',
  sent_at     INTEGER NOT NULL,
  receipt_at  INTEGER,
  PRIMARY KEY (drill_id, method_id)
);
INSERT INTO drill_checks_0018 SELECT drill_id, user_id, channel, method_id, label, status, detail, sent_at,
  receipt_at FROM drill_checks;
DROP TABLE drill_checks;
ALTER TABLE drill_checks_0018 RENAME TO drill_checks;
CREATE INDEX drill_checks_user ON drill_checks(user_id, sent_at DESC);
