-- One number for "who gets paged, and how, may have changed" (issue 19): the paging snapshot
-- (worker/directory/paging-snapshot.ts) is rebuilt only when it moves. Triggers bump it, so no writer (API,
-- chat or SMS command, a push service's "gone") can forget to. Columns that change on every page (a device's
-- last success, a method's last failure) are left out, or paging would invalidate its own snapshot.
CREATE TABLE paging_version (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO paging_version (id, version) VALUES (1, 1);

CREATE TRIGGER paging_v_services_ins AFTER INSERT ON services BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_services_upd AFTER UPDATE OF name, policy_id ON services BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_services_del AFTER DELETE ON services BEGIN UPDATE paging_version SET version = version + 1; END;

CREATE TRIGGER paging_v_policies_ins AFTER INSERT ON escalation_policies BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_policies_upd AFTER UPDATE OF name, levels, repeat, renotify_minutes ON escalation_policies BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_policies_del AFTER DELETE ON escalation_policies BEGIN UPDATE paging_version SET version = version + 1; END;

CREATE TRIGGER paging_v_schedules_ins AFTER INSERT ON schedules BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_schedules_upd AFTER UPDATE OF name, time_zone, layers ON schedules BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_schedules_del AFTER DELETE ON schedules BEGIN UPDATE paging_version SET version = version + 1; END;

CREATE TRIGGER paging_v_overrides_ins AFTER INSERT ON schedule_overrides BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_overrides_upd AFTER UPDATE ON schedule_overrides BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_overrides_del AFTER DELETE ON schedule_overrides BEGIN UPDATE paging_version SET version = version + 1; END;

CREATE TRIGGER paging_v_users_ins AFTER INSERT ON users BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_users_upd AFTER UPDATE OF name, role, disabled_at, removed_at ON users BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_users_del AFTER DELETE ON users BEGIN UPDATE paging_version SET version = version + 1; END;

CREATE TRIGGER paging_v_devices_ins AFTER INSERT ON push_subscriptions BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_devices_upd AFTER UPDATE OF user_id, label, endpoint, p256dh, auth ON push_subscriptions BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_devices_del AFTER DELETE ON push_subscriptions BEGIN UPDATE paging_version SET version = version + 1; END;

CREATE TRIGGER paging_v_methods_ins AFTER INSERT ON contact_methods BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_methods_upd AFTER UPDATE OF user_id, kind, address, verified_at ON contact_methods BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_methods_del AFTER DELETE ON contact_methods BEGIN UPDATE paging_version SET version = version + 1; END;

CREATE TRIGGER paging_v_rules_ins AFTER INSERT ON notification_rules BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_rules_upd AFTER UPDATE ON notification_rules BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_rules_del AFTER DELETE ON notification_rules BEGIN UPDATE paging_version SET version = version + 1; END;

CREATE TRIGGER paging_v_hours_ins AFTER INSERT ON working_hours BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_hours_upd AFTER UPDATE ON working_hours BEGIN UPDATE paging_version SET version = version + 1; END;
CREATE TRIGGER paging_v_hours_del AFTER DELETE ON working_hours BEGIN UPDATE paging_version SET version = version + 1; END;
