import { useCallback, useEffect, useState } from 'preact/hooks';
import { listTeams } from '../lib/admin-api';
import {
  failingMethods,
  getDrillSettings,
  listDrills,
  runDrill,
  saveDrillSettings,
  type Drill,
  type DrillCheck,
  type DrillSettings,
  type FailingMethod,
} from '../lib/drills-api';
import { formatDayTime, formatDuration } from '../lib/format';
import { errorText, useAction } from '../lib/hooks';
import type { Team, User } from '../lib/types';
import { Notice } from './notice';

/** The on-call screen's flag: methods that failed their person's latest drill, to fix before the shift. */
export function FailingDrills() {
  const [failing, setFailing] = useState<FailingMethod[]>([]);
  useEffect(() => {
    const ctrl = new AbortController();
    failingMethods({ signal: ctrl.signal }).then(
      (r) => setFailing(r.failing),
      () => undefined,
    );
    return () => ctrl.abort();
  }, []);
  if (!failing.length) return null;
  return (
    <section class="card secret" role="alert" aria-labelledby="failing-drills-heading">
      <h2 id="failing-drills-heading">Failed page drills</h2>
      <ul class="drill-failing">
        {failing.map((f) => (
          <li key={`${f.drillId}-${f.label}`}>
            <strong>{f.userName}</strong> · {CHANNEL[f.channel].toLowerCase()}{' '}
            <strong>{f.label}</strong>: {f.detail}{' '}
            <span class="muted small">
              ({f.teamName}, {formatDayTime(f.at)})
            </span>
          </li>
        ))}
      </ul>
      <p class="muted small">
        Fix the device, address or number in Settings, then run the drill again.
      </p>
    </section>
  );
}

/** Drills per team: when the next one runs, the settings and "Run drill now" (admins), and the report. */
export function TeamDrillsSection({ me }: { me: User }) {
  const [teams, setTeams] = useState<Team[] | null>(null);
  const [teamId, setTeamId] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    listTeams({ signal: ctrl.signal }).then(
      (r) => {
        setTeams(r.teams);
        setTeamId((id) => id || r.teams[0]?.id || '');
      },
      (err: unknown) => !ctrl.signal.aborted && setError(errorText(err)),
    );
    return () => ctrl.abort();
  }, []);
  return (
    <section aria-labelledby="drills-heading">
      <h2 id="drills-heading">Page drills</h2>
      <p class="muted small">
        Before a shift starts, Firebell sends the incoming person a test page on every device and
        address, and checks that it arrived.
      </p>
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {teams && teams.length === 0 && <p class="empty">No teams yet.</p>}
      {teams && teams.length > 1 && (
        <label class="field">
          <span>Team</span>
          <select value={teamId} onChange={(e) => setTeamId(e.currentTarget.value)}>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {teamId && <TeamDrills key={teamId} teamId={teamId} admin={me.role === 'admin'} />}
    </section>
  );
}

function TeamDrills({ teamId, admin }: { teamId: string; admin: boolean }) {
  const [settings, setSettings] = useState<DrillSettings | null>(null);
  const [nextAt, setNextAt] = useState<number | null>(null);
  const [drills, setDrills] = useState<Drill[] | null>(null);
  const [before, setBefore] = useState('');
  const { pending, outcome, run } = useAction();

  const reload = useCallback(async () => {
    const [s, r] = await Promise.all([getDrillSettings(teamId), listDrills(teamId)]);
    setSettings(s.settings);
    setNextAt(s.nextDrillAt);
    setBefore(s.settings.minutesBefore === null ? '' : String(s.settings.minutesBefore));
    setDrills(r.drills);
  }, [teamId]);
  useEffect(() => {
    void reload().catch(() => undefined);
  }, [reload]);

  const save = (ev: Event) => {
    ev.preventDefault();
    if (!settings) return;
    void run('Saving…', async () => {
      const minutes = before.trim() ? Number(before) : null;
      const saved = await saveDrillSettings(teamId, { ...settings, minutesBefore: minutes });
      setSettings(saved.settings);
      setNextAt(saved.nextDrillAt);
      return saved.nextDrillAt
        ? `Saved. Next drill ${formatDayTime(saved.nextDrillAt)}.`
        : 'Saved. Drills run on demand only.';
    });
  };
  const drillNow = () =>
    run('Running a drill…', async () => {
      const { drill } = await runDrill(teamId);
      await reload();
      const names = drill.people.map((p) => p.name).join(', ') || 'nobody with a method';
      return `Drill sent to ${names}. Devices pass when they show it.`;
    });

  return (
    <div class="stack">
      <p class="muted small">
        {nextAt ? `Next scheduled drill: ${formatDayTime(nextAt)}` : 'No scheduled drills.'}
      </p>
      {admin && settings && (
        <form class="inline-form" onSubmit={save}>
          <label class="field">
            <span>Minutes before each handoff (empty: on demand only)</span>
            <input
              type="number"
              min={5}
              max={720}
              value={before}
              onInput={(e) => setBefore(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="button" disabled={pending !== null}>
            Save
          </button>
          <button type="button" class="button" disabled={pending !== null} onClick={drillNow}>
            Run drill now
          </button>
        </form>
      )}
      {admin && (
        <p>
          <button
            type="button"
            class="button"
            disabled={pending !== null}
            onClick={() => void reload()}
          >
            Refresh report
          </button>
        </p>
      )}
      <Notice outcome={outcome} pending={pending} />
      {drills && drills.length === 0 && <p class="empty">No drills yet.</p>}
      {drills && drills.length > 0 && (
        <ul class="card-list" aria-label="Drill report">
          {drills.map((d) => (
            <li key={d.id} class="card drill">
              <p>
                <strong>{formatDayTime(d.startedAt)}</strong>{' '}
                <span class={`badge ${BADGE[d.status]}`}>{d.status}</span>{' '}
                <span class="muted small">
                  {d.trigger === 'scheduled' && d.handoffAt
                    ? `before the ${formatDayTime(d.handoffAt)} handoff`
                    : 'on demand'}
                </span>
              </p>
              {d.people.length === 0 && <p class="muted small">Nobody had a method to drill.</p>}
              {d.people.map((p) => (
                <div key={p.userId}>
                  <p>{p.name}</p>
                  <ul class="drill-checks">
                    {p.checks.map((c) => (
                      <li key={c.methodId} data-status={c.status}>
                        {CHANNEL[c.channel]} {c.label}: {checkText(c)}
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const BADGE: Record<Drill['status'], string> = {
  running: 'status-acknowledged',
  passed: 'status-resolved',
  failed: 'status-triggered',
};

const CHANNEL: Record<DrillCheck['channel'], string> = {
  push: 'Device',
  email: 'Email',
  sms: 'SMS',
  voice: 'Voice',
};

function checkText(c: DrillCheck): string {
  if (c.status === 'passed')
    return `passed${c.msToReceipt !== null ? ` in ${formatDuration(c.msToReceipt)}` : ''}`;
  if (c.status === 'waiting')
    return c.channel === 'sms'
      ? 'waiting for Twilio’s delivery report'
      : c.channel === 'voice'
        ? 'waiting for the call to be answered'
        : 'waiting for the phone to show it';
  return `failed: ${c.detail}`;
}
