-- Email subscribers of the public status page (worker/status/email-subscribers.ts), double opt-in: a row holds
-- the address, the keyed hash of its unsubscribe token and when the address confirmed (NULL until then; only
-- confirmed addresses get updates, and unconfirmed rows are dropped after two days). Nothing else.
CREATE TABLE status_email_subscribers (
  id           TEXT PRIMARY KEY,
  email        TEXT NOT NULL UNIQUE,
  token_hash   TEXT NOT NULL UNIQUE,
  confirmed_at INTEGER,
  created_at   INTEGER NOT NULL
);
CREATE INDEX status_email_subscribers_pending ON status_email_subscribers(confirmed_at, created_at);
