import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { AlertList } from '../components/alerts';
import { AppBar } from '../components/app-bar';
import { SeverityBadge, StatusBadge } from '../components/badges';
import { SilenceAction } from '../components/silence-action';
import { ComposeForm } from '../components/compose';
import { ConnectionIndicator } from '../components/connection-indicator';
import {
  IncidentCommands,
  roleLabel,
  type CommandLabels,
  type Send,
} from '../components/incident-commands';
import { Notice } from '../components/notice';
import { RecentChanges } from '../components/recent-changes';
import { ReviewPrompt } from '../components/review-prompt';
import { RunbookPanel } from '../components/runbook';
import { StatusPublish } from '../components/status-publish';
import { PagedTimeline } from '../components/timeline';
import { ackKey } from '../lib/ack-key';
import {
  ApiError,
  ackWithToken,
  commandPath,
  getIncident,
  isNetworkError,
  listUsers,
  runCommand,
  type CommandBodies,
} from '../lib/api';
import { alertFigures, formatAge } from '../lib/format';
import { errorText, useAction, useNow, useTitle } from '../lib/hooks';
import { useLiveIncident } from '../lib/live';
import { enqueue, useOutbox, type QueuedCommand, type Settled } from '../lib/outbox';
import type { ChangeEvent, Incident, IncidentAlert, User, Viewer } from '../lib/types';

interface Props {
  id: string;
  me: User;
  /** The action token from a notification tap (`?ack=`), for a one-tap acknowledge without the session. */
  ackToken?: string | null;
}

type Labels = CommandLabels & { queued: string };

const ACK: Labels = {
  progress: 'Acknowledging…',
  done: 'Acknowledged. Escalation stopped.',
  queued: 'Acknowledgement queued: waiting for network.',
  label: 'Acknowledge',
};
const RESOLVE: Labels = {
  progress: 'Resolving…',
  done: 'Resolved.',
  queued: 'Resolve queued: waiting for network.',
  label: 'Resolve',
};
const REOPEN: Labels = {
  progress: 'Reopening…',
  done: 'Reopened.',
  queued: 'Reopen queued: waiting for network.',
  label: 'Reopen',
};

/** /incidents/:id — the live incident: header, alerts, presence, timeline, every command, and the big thumb buttons. */
export function IncidentPage({ id, me, ackToken = null }: Props) {
  const now = useNow();
  // 404/403 will not get better by retrying; stop the socket and say so.
  const [fatal, setFatal] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [alerts, setAlerts] = useState<IncidentAlert[]>([]);
  const [changes, setChanges] = useState<ChangeEvent[]>([]);
  const [users, setUsers] = useState<User[] | null>(null);
  const [token, setToken] = useState(ackToken);
  const live = useLiveIncident(fatal ? null : id);
  const { incident, timeline, viewers, connection, apply } = live;
  const action = useAction();
  const canAct = me.role !== 'viewer';
  useTitle(incident ? `#${incident.number} ${incident.title}` : 'Incident');

  const load = useCallback(
    (signal?: AbortSignal) =>
      getIncident(id, { signal })
        .then((d) => {
          apply({ type: 'loaded', incident: d.incident, timeline: d.timeline });
          setAlerts(d.alerts ?? []);
          setChanges(d.changes ?? []);
          setLoadError(null);
        })
        .catch((err: unknown) => {
          if (signal?.aborted) return;
          if (err instanceof ApiError && (err.status === 404 || err.status === 403))
            setFatal(err.detail);
          else setLoadError(errorText(err));
        }),
    [id, apply],
  );

  /** The page of entries before `before`, folded into the live state; resolves with how many it brought. */
  const loadEarlier = useCallback(
    async (before: number) => {
      const page = await getIncident(id, { before });
      apply({ type: 'loaded', incident: page.incident, timeline: page.timeline });
      return page.timeline.length;
    },
    [id, apply],
  );

  // HTTP load alongside the socket: it reports 404s properly and, via the service worker, works offline.
  useEffect(() => {
    setFatal(null);
    const ctrl = new AbortController();
    void load(ctrl.signal);
    listUsers({ signal: ctrl.signal }).then(
      (r) => setUsers(r.users),
      () => undefined,
    );
    return () => ctrl.abort();
  }, [load]);

  // Alerts are not on the socket: re-read them when the timeline says one arrived or resolved, or the
  // firing count moves (a person resolving the incident ends the alerts still firing). Not on every
  // repeat notification: a storm of duplicates must not become a storm of reloads.
  const alertSeq = timeline.reduce(
    (max, e) =>
      e.kind === 'alert_added' || e.kind === 'alert_resolved' ? Math.max(max, e.seq) : max,
    0,
  );
  const alertState = incident ? `${alertSeq}|${incident.alertCount}|${incident.firingCount}` : '';
  const seenAlertState = useRef('');
  // A storm brings thousands of alert entries in a burst: one re-read at a time, and one more after it if more came.
  const reread = useRef({ running: false, again: false });
  const rereadAlerts = useCallback(async () => {
    const r = reread.current;
    if (r.running) return void (r.again = true);
    r.running = true;
    try {
      do {
        r.again = false;
        await load();
      } while (r.again);
    } finally {
      r.running = false;
    }
  }, [load]);
  useEffect(() => {
    if (seenAlertState.current && alertState !== seenAlertState.current) void rereadAlerts();
    if (alertState) seenAlertState.current = alertState;
  }, [alertState, rereadAlerts]);

  const onSettled = useCallback(
    (s: Settled) => {
      if (s.ok) {
        apply({ type: 'incident', incident: s.incident });
        action.report({ ok: true, text: s.command.done });
      } else {
        action.report({ ok: false, text: `${s.command.label} was not done: ${s.error.detail}` });
      }
      // Re-read, so the copy kept for offline use shows what the queued command did.
      void load();
    },
    [apply, action.report, load],
  );
  const waiting = useOutbox(id, onSettled);

  if (fatal) {
    return (
      <>
        <AppBar back="/" title="Incident" />
        <main class="page message-screen">
          <h1>Can't open this incident</h1>
          <p role="alert">{fatal}</p>
          <a class="button" href="/">
            Back to incidents
          </a>
        </main>
      </>
    );
  }

  /** Run a command now; offline, queue it under the key it was given; on a conflict, explain and show the latest. */
  const perform = (
    labels: Labels,
    path: string,
    body: unknown,
    attempt: (key: string) => Promise<{ incident: Incident }>,
    key: string = crypto.randomUUID(),
  ) =>
    action.run(labels.progress, async () => {
      try {
        apply({ type: 'incident', incident: (await attempt(key)).incident });
        return labels.done;
      } catch (err) {
        if (isNetworkError(err)) {
          enqueue({ key, incidentId: id, path, body, label: labels.label, done: labels.done });
          return labels.queued;
        }
        if (err instanceof ApiError && err.status === 409) {
          void load();
          throw new ApiError(
            409,
            `Not done: ${err.detail} This page now shows the incident as it is.`,
            err.code,
            err.type,
          );
        }
        throw err;
      }
    });

  const send: Send = <K extends keyof CommandBodies>(
    command: K,
    body: CommandBodies[K],
    labels: CommandLabels & { queued?: string },
  ) =>
    void perform(
      { queued: `${labels.label}: queued, waiting for network.`, ...labels },
      commandPath(id, command),
      body,
      (key) => runCommand(id, command, body, { idempotencyKey: key }),
    );

  const acknowledge = async () => {
    if (!token) return send('acknowledge', {}, ACK);
    // The link a notification opened: acknowledge with its token, under the same key the notification would use.
    const key = await ackKey(token);
    const ok = await perform(
      ACK,
      '/api/push/ack',
      { token, incidentId: id },
      (k) => ackWithToken(token, id, k),
      key,
    );
    if (ok) forgetToken(setToken);
  };

  const queuedLabels = new Set(waiting.map((c) => c.label));

  return (
    <>
      <AppBar back="/" title={incident ? `#${incident.number}` : 'Incident'}>
        <ConnectionIndicator connection={connection} />
      </AppBar>
      <main class="page incident-page">
        {incident ? (
          <IncidentHeader incident={incident} users={users} me={me} now={now} />
        ) : (
          <div class="skeleton-header" aria-busy="true" />
        )}
        {loadError && !incident && (
          <p class="notice notice-error" role="alert">
            {loadError}
          </p>
        )}
        {incident?.status === 'resolved' && (
          <ReviewPrompt key={incident.resolvedAt} incidentId={id} />
        )}
        {incident?.status === 'triggered' && (token || (incident.paged ?? []).includes(me.id)) && (
          <p class="paged-banner">
            You were paged for this incident. One tap on Acknowledge stops the escalation.
          </p>
        )}
        <Presence viewers={viewers} me={me} />
        <AlertList alerts={alerts} truncated={incident?.truncatedAlerts ?? 0} now={now} />
        {changes.length > 0 && (
          <RecentChanges
            changes={changes}
            now={now}
            id="changes-heading"
            level={2}
            heading="Recent changes"
            hint="Changes to this service in the hour before the incident opened."
          />
        )}
        <RunbookPanel incidentId={id} timeline={timeline} canAct={canAct} />
        <h2>Timeline</h2>
        <PagedTimeline entries={timeline} now={now} loadEarlier={loadEarlier} />
        {incident && canAct && (
          <ComposeForm id={id} onSaved={(i) => apply({ type: 'incident', incident: i })} />
        )}
        {incident && canAct && (
          <StatusPublish incidentId={id} resolved={incident.status === 'resolved'} />
        )}
        {incident && canAct && (
          <IncidentCommands
            incident={incident}
            users={users}
            busy={action.pending !== null}
            send={send}
          />
        )}
        {incident && canAct && incident.serviceId && <SilenceAction incidentId={id} />}
      </main>
      <ActionBar
        incident={incident}
        canAct={canAct}
        pending={action.pending}
        queued={queuedLabels}
        onAcknowledge={() => void acknowledge()}
        onResolve={() => send('resolve', {}, RESOLVE)}
        onReopen={() => send('reopen', {}, REOPEN)}
      >
        <Waiting commands={waiting} />
        <Notice outcome={action.outcome} pending={action.pending} />
      </ActionBar>
    </>
  );
}

/** Drop ?ack= from the address once used, so a reload or a shared link does not carry the token. */
function forgetToken(setToken: (t: null) => void): void {
  setToken(null);
  const url = new URL(location.href);
  url.searchParams.delete('ack');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
}

function IncidentHeader({
  incident,
  users,
  me,
  now,
}: {
  incident: Incident;
  users: User[] | null;
  me: User;
  now: number;
}) {
  const name = (uid: string) => (uid === me.id ? me.name : users?.find((u) => u.id === uid)?.name);
  const assignees = incident.assignees.map(name).filter(Boolean);
  // Cached copies from an older version have no `paged`.
  const paged = (incident.paged ?? []).map((uid) => name(uid) ?? 'someone');
  const roles = Object.entries(incident.roles).filter(([, uid]) => uid && name(uid));
  return (
    <section class="incident-header">
      <h1>{incident.title}</h1>
      <p class="incident-row-meta">
        <SeverityBadge severity={incident.severity} />
        <StatusBadge status={incident.status} />
        <span>
          {formatAge(incident.createdAt, now) === 'now'
            ? 'opened just now'
            : `opened ${formatAge(incident.createdAt, now)} ago`}
        </span>
        {alertFigures(incident, { notifications: true }).map((f) => (
          <span key={f}>{f}</span>
        ))}
        {incident.maintenance && incident.maintenance.until > now && (
          <span class="badge badge-maintenance">In maintenance: {incident.maintenance.name}</span>
        )}
      </p>
      {incident.nobodyPaged && (
        <p class="warn">Nobody was paged: the escalation policy reached no one.</p>
      )}
      {incident.status === 'triggered' && paged.length > 0 && (
        <p class="muted">Paging {paged.join(', ')}</p>
      )}
      {incident.acknowledgedBy && incident.status === 'acknowledged' && (
        <p class="muted">Acknowledged by {incident.acknowledgedBy.name}</p>
      )}
      {assignees.length > 0 && <p class="muted">Assigned to {assignees.join(', ')}</p>}
      {roles.length > 0 && (
        <p class="muted">
          {roles.map(([role, uid]) => `${roleLabel(role)}: ${name(uid!)}`).join(' · ')}
        </p>
      )}
    </section>
  );
}

function Presence({ viewers, me }: { viewers: Viewer[]; me: User }) {
  const others = viewers.filter((v) => v.id !== me.id);
  return (
    <p class="presence muted" aria-label="Who is viewing">
      {others.length ? `Also here: ${others.map((v) => v.name).join(', ')}` : 'Only you are here'}
    </p>
  );
}

/** Commands taken offline, until they land. */
function Waiting({ commands }: { commands: QueuedCommand[] }) {
  if (!commands.length) return null;
  return (
    <ul class="waiting" aria-label="Waiting for network">
      {commands.map((c) => (
        <li key={c.key}>
          <span class="waiting-dot" aria-hidden="true" />
          {c.label}: waiting for network
        </li>
      ))}
    </ul>
  );
}

interface ActionBarProps {
  incident: Incident | null;
  canAct: boolean;
  pending: string | null;
  queued: Set<string>;
  onAcknowledge: () => void;
  onResolve: () => void;
  onReopen: () => void;
  children: ComponentChildren;
}

/** Fixed to the bottom, within thumb reach; the same height in every state so the page never jumps. */
function ActionBar({
  incident,
  canAct,
  pending,
  queued,
  onAcknowledge,
  onResolve,
  onReopen,
  children,
}: ActionBarProps) {
  const busy = pending !== null || !incident || !canAct;
  const status = incident?.status;
  return (
    <footer class="action-bar">
      {children}
      <div class="action-buttons">
        {status === 'resolved' ? (
          <button
            type="button"
            class="button button-big"
            disabled={busy || queued.has(REOPEN.label)}
            onClick={onReopen}
          >
            {queued.has(REOPEN.label) ? 'Reopen queued' : 'Reopen'}
          </button>
        ) : (
          <>
            <button
              type="button"
              class="button button-big button-primary"
              disabled={busy || status !== 'triggered' || queued.has(ACK.label)}
              onClick={onAcknowledge}
            >
              {status === 'acknowledged'
                ? 'Acknowledged'
                : queued.has(ACK.label)
                  ? 'Acknowledge queued'
                  : 'Acknowledge'}
            </button>
            <button
              type="button"
              class="button button-big button-success"
              disabled={busy || queued.has(RESOLVE.label)}
              onClick={onResolve}
            >
              {queued.has(RESOLVE.label) ? 'Resolve queued' : 'Resolve'}
            </button>
          </>
        )}
      </div>
    </footer>
  );
}
