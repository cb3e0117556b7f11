-- Outgoing webhooks (worker/webhooks/): one row per subscription; `events` is a JSON array of event types,
-- service_id NULL means every service. The delivery queue itself lives in each subscription's WebhookQueue
-- Durable Object; D1 holds what an admin edits and why Firebell disabled it.
CREATE TABLE webhook_subscriptions (
  id              TEXT PRIMARY KEY,
  url             TEXT NOT NULL,
  service_id      TEXT REFERENCES services(id) ON DELETE CASCADE,
  events          TEXT NOT NULL,
  enabled         INTEGER NOT NULL DEFAULT 1,
  disabled_reason TEXT,
  created_at      INTEGER NOT NULL
);
CREATE INDEX webhook_subscriptions_service ON webhook_subscriptions(service_id);

-- Signing secrets (whsec_…): needed in clear to sign, so stored as given, like integrations.signing_secret,
-- and shown only once, at creation or rotation. Several may be live at once while a receiver rotates;
-- expires_at is when an old one stops signing.
CREATE TABLE webhook_secrets (
  subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
  secret          TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER
);
CREATE INDEX webhook_secrets_subscription ON webhook_secrets(subscription_id);
