import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { AppBar } from '../components/app-bar';
import { SeverityBadge, StatusBadge } from '../components/badges';
import { ConnectionIndicator } from '../components/connection-indicator';
import { Notice } from '../components/notice';
import { Timeline } from '../components/timeline';
import { ApiError, getIncident, runCommand } from '../lib/api';
import { formatAge, plural } from '../lib/format';
import { errorText, useAction, useNow, useTitle } from '../lib/hooks';
import { useLiveIncident } from '../lib/live';
import type { Incident, User, Viewer } from '../lib/types';

interface Props {
  id: string;
  me: User;
}

/** /incidents/:id — the live incident: header, presence, timeline, add a note, and the big thumb buttons. */
export function IncidentPage({ id, me }: Props) {
  const now = useNow();
  // 404/403 will not get better by retrying; stop the socket and say so.
  const [fatal, setFatal] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const live = useLiveIncident(fatal ? null : id);
  const { incident, timeline, viewers, connection, apply } = live;
  const action = useAction();
  useTitle(incident ? `#${incident.number} ${incident.title}` : 'Incident');

  // HTTP load alongside the socket: it reports 404s properly and, via the service worker, works offline.
  useEffect(() => {
    setFatal(null);
    setLoadError(null);
    const ctrl = new AbortController();
    getIncident(id, { signal: ctrl.signal })
      .then((d) => apply({ type: 'loaded', incident: d.incident, timeline: d.timeline }))
      .catch((err: unknown) => {
        if (ctrl.signal.aborted) return;
        if (err instanceof ApiError && (err.status === 404 || err.status === 403)) setFatal(err.detail);
        else setLoadError(errorText(err));
      });
    return () => ctrl.abort();
  }, [id, apply]);

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

  const command = (name: 'acknowledge' | 'resolve' | 'reopen', progress: string, done: string) =>
    action.run(progress, async () => {
      const res = await runCommand(id, name, {});
      apply({ type: 'incident', incident: res.incident });
      return done;
    });

  return (
    <>
      <AppBar back="/" title={incident ? `#${incident.number}` : 'Incident'}>
        <ConnectionIndicator connection={connection} />
      </AppBar>
      <main class="page incident-page">
        {incident ? <IncidentHeader incident={incident} now={now} /> : <div class="skeleton-header" aria-busy="true" />}
        {loadError && !incident && (
          <p class="notice notice-error" role="alert">
            {loadError}
          </p>
        )}
        <Presence viewers={viewers} me={me} />
        <h2 class="visually-hidden">Timeline</h2>
        <Timeline entries={timeline} now={now} />
        {incident && me.role !== 'viewer' && <NoteForm id={id} onSaved={(i) => apply({ type: 'incident', incident: i })} />}
      </main>
      <ActionBar
        incident={incident}
        canAct={me.role !== 'viewer'}
        pending={action.pending}
        onAcknowledge={() => command('acknowledge', 'Acknowledging…', 'Acknowledged. Escalation stopped.')}
        onResolve={() => command('resolve', 'Resolving…', 'Resolved.')}
        onReopen={() => command('reopen', 'Reopening…', 'Reopened.')}
      >
        <Notice outcome={action.outcome} pending={action.pending} />
      </ActionBar>
    </>
  );
}

function IncidentHeader({ incident, now }: { incident: Incident; now: number }) {
  return (
    <section class="incident-header">
      <h1>{incident.title}</h1>
      <p class="incident-row-meta">
        <SeverityBadge severity={incident.severity} />
        <StatusBadge status={incident.status} />
        <span>opened {formatAge(incident.createdAt, now)} ago</span>
        <span>{plural(incident.alertCount, 'alert')}</span>
      </p>
      {incident.nobodyPaged && <p class="warn">Nobody was paged: the escalation policy reached no one.</p>}
      {incident.acknowledgedBy && incident.status === 'acknowledged' && (
        <p class="muted">Acknowledged by {incident.acknowledgedBy.name}</p>
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

interface ActionBarProps {
  incident: Incident | null;
  canAct: boolean;
  pending: string | null;
  onAcknowledge: () => void;
  onResolve: () => void;
  onReopen: () => void;
  children: ComponentChildren;
}

/** Fixed to the bottom, within thumb reach; the same height in every state so the page never jumps. */
function ActionBar({ incident, canAct, pending, onAcknowledge, onResolve, onReopen, children }: ActionBarProps) {
  const busy = pending !== null || !incident || !canAct;
  const status = incident?.status;
  return (
    <footer class="action-bar">
      {children}
      <div class="action-buttons">
        {status === 'resolved' ? (
          <button type="button" class="button button-big" disabled={busy} onClick={onReopen}>
            Reopen
          </button>
        ) : (
          <>
            <button type="button" class="button button-big button-primary" disabled={busy || status !== 'triggered'} onClick={onAcknowledge}>
              {status === 'acknowledged' ? 'Acknowledged' : 'Acknowledge'}
            </button>
            <button type="button" class="button button-big button-success" disabled={busy} onClick={onResolve}>
              Resolve
            </button>
          </>
        )}
      </div>
    </footer>
  );
}

/** Add a note. One idempotency key per draft, so retrying after a timeout cannot post it twice. */
function NoteForm({ id, onSaved }: { id: string; onSaved: (incident: Incident) => void }) {
  const [text, setText] = useState('');
  const keyRef = useRef<string | null>(null);
  const { pending, outcome, run } = useAction();

  const submit = (ev: Event) => {
    ev.preventDefault();
    const body = text.trim();
    if (!body) return;
    keyRef.current ??= crypto.randomUUID();
    void run('Saving note…', async () => {
      const res = await runCommand(id, 'notes', { text: body }, { idempotencyKey: keyRef.current! });
      keyRef.current = null;
      setText('');
      onSaved(res.incident);
      return 'Note added.';
    });
  };

  return (
    <form class="note-form" onSubmit={submit}>
      <label class="field">
        <span>Add a note</span>
        <textarea
          rows={2}
          maxLength={4000}
          value={text}
          onInput={(e) => {
            setText(e.currentTarget.value);
            keyRef.current = null; // a different note is a different intent
          }}
        />
      </label>
      <button type="submit" class="button" disabled={pending !== null || !text.trim()}>
        {pending ? 'Saving…' : 'Add note'}
      </button>
      <Notice outcome={outcome} pending={pending} />
    </form>
  );
}
