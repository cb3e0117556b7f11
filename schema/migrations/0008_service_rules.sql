-- Event rules per service (schema/rule-schemas.ts RuleSet), kept as JSON text. D1 is the source of truth for the
-- API; every change bumps `version` and is pushed to the service's router object, which applies that version.
-- No foreign key: deleting a service removes its row in the same batch (worker/directory/services.ts).
CREATE TABLE service_rules (
  service_id TEXT PRIMARY KEY,
  rules      TEXT NOT NULL,
  version    INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
