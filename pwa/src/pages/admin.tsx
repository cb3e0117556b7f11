import { useCallback, useEffect, useState } from 'preact/hooks';
import { MaintenanceAdmin } from '../components/admin/maintenance';
import { PeopleAdmin } from '../components/admin/people';
import { SilencesAdmin } from '../components/admin/silences';
import { PoliciesAdmin } from '../components/admin/policies';
import { SchedulesAdmin } from '../components/admin/schedules';
import { StatusComponentsAdmin } from '../components/admin/status-components';
import { ServicesAdmin } from '../components/admin/services';
import { WebhooksAdmin } from '../components/admin/webhooks';
import { SlackAdmin } from '../components/admin/slack';
import { AppBar } from '../components/app-bar';
import { listServices, listUsers } from '../lib/api';
import { listPolicies, listTeams } from '../lib/admin-api';
import { errorText, useTitle } from '../lib/hooks';
import { listSchedules } from '../lib/oncall-api';
import type { Policy, Schedule, Service, Team, User } from '../lib/types';

type Tab = 'services' | 'people' | 'schedules' | 'policies' | 'webhooks' | 'maintenance' | 'status';

const TABS: { value: Tab; label: string }[] = [
  { value: 'services', label: 'Services' },
  { value: 'people', label: 'People' },
  { value: 'schedules', label: 'Schedules' },
  { value: 'policies', label: 'Policies' },
  { value: 'webhooks', label: 'Webhooks' },
  { value: 'maintenance', label: 'Maintenance' },
  { value: 'status', label: 'Status page' },
];

interface Directory {
  services: Service[];
  policies: Policy[];
  schedules: Schedule[];
  teams: Team[];
  users: User[];
}

/** /admin — services and integrations, invites, schedules and teams, escalation policies, outgoing webhooks (admins only; loaded on demand). */
export function AdminPage() {
  useTitle('Admin');
  const [tab, setTab] = useState<Tab>('services');
  const [dir, setDir] = useState<Directory | null>(null);
  const [error, setError] = useState<string | null>(null);

  // One read of everything the forms pick from; every write re-reads it, so the lists never disagree.
  const reload = useCallback(async () => {
    try {
      const [services, policies, schedules, teams, users] = await Promise.all([
        listServices(),
        listPolicies(),
        listSchedules(),
        listTeams(),
        listUsers(),
      ]);
      setDir({
        services: [...services.services].sort((a, b) => a.name.localeCompare(b.name)),
        policies: policies.policies,
        schedules: schedules.schedules,
        teams: teams.teams,
        users: users.users,
      });
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  }, []);
  useEffect(() => void reload(), [reload]);

  return (
    <>
      <AppBar title="Admin" />
      <main class="page stack">
        <h1 class="visually-hidden">Admin</h1>
        <div class="segmented segmented-4 admin-tabs" role="group" aria-label="Manage">
          {TABS.map((t) => (
            <button
              key={t.value}
              type="button"
              aria-pressed={tab === t.value}
              onClick={() => setTab(t.value)}
            >
              {t.label}
            </button>
          ))}
        </div>
        {error && (
          <p class="notice notice-error" role="alert">
            {error}
          </p>
        )}
        {!dir ? (
          !error && <div class="skeleton-chart" aria-busy="true" />
        ) : tab === 'services' ? (
          <ServicesAdmin services={dir.services} policies={dir.policies} onChanged={reload} />
        ) : tab === 'people' ? (
          <PeopleAdmin users={dir.users} onChanged={reload} />
        ) : tab === 'schedules' ? (
          <SchedulesAdmin
            schedules={dir.schedules}
            users={dir.users}
            teams={dir.teams}
            onChanged={reload}
          />
        ) : tab === 'webhooks' ? (
          <>
            <WebhooksAdmin services={dir.services} />
            <SlackAdmin services={dir.services} />
          </>
        ) : tab === 'maintenance' ? (
          <>
            <MaintenanceAdmin services={dir.services} />
            <SilencesAdmin services={dir.services} />
          </>
        ) : tab === 'status' ? (
          <StatusComponentsAdmin services={dir.services} />
        ) : (
          <PoliciesAdmin
            policies={dir.policies}
            schedules={dir.schedules}
            users={dir.users}
            onChanged={reload}
          />
        )}
      </main>
    </>
  );
}
