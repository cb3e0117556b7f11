-- Status page subscribers without an account (worker/status/subscribers.ts): Web Push only. A row holds the
-- browser's subscription and the SHA-256 of its unsubscribe token, nothing else (no address, no user agent).
CREATE TABLE status_subscribers (
  id         TEXT PRIMARY KEY,
  endpoint   TEXT NOT NULL UNIQUE,
  p256dh     TEXT NOT NULL,
  auth       TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);

-- The per-client rate limit on subscribing: an HMAC of the client's address (never the address) and a count
-- per fixed window. Rows older than the window are deleted as new ones come in.
CREATE TABLE status_subscribe_rate (
  client       TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  count        INTEGER NOT NULL,
  PRIMARY KEY (client, window_start)
);

-- A maintenance window shown on the status page (opt-in): its public name there, or NULL (the default) when the
-- window is internal only. The window's own name, services and author never reach the page.
ALTER TABLE maintenance_windows ADD COLUMN status_page_name TEXT;
