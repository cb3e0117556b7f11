-- Runbooks per service (schema/runbook-schemas.ts): Markdown and a checklist of steps (JSON text). An incident
-- keeps its own snapshot when one is attached, so editing or deleting a runbook never rewrites an incident.
CREATE TABLE runbooks (
  id         TEXT PRIMARY KEY,
  service_id TEXT NOT NULL,
  name       TEXT NOT NULL,
  body       TEXT NOT NULL,
  steps      TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX runbooks_service ON runbooks(service_id);

-- The runbook every incident of a service gets unless a rule's attach_runbook names another.
CREATE TABLE service_default_runbooks (
  service_id TEXT PRIMARY KEY,
  runbook_id TEXT NOT NULL
);
