-- Lookups the on-call API makes on every write that must not scan: "which services use this
-- policy?" (refusing a delete, attaching) and "which calendar feeds point at this schedule?"
-- (deleting it). Overrides are read oldest first because a later override wins over an earlier one.

CREATE INDEX services_policy ON services(policy_id);
CREATE INDEX calendar_feeds_ref ON calendar_feeds(kind, ref_id);
CREATE INDEX schedule_overrides_order ON schedule_overrides(schedule_id, created_at, id);
