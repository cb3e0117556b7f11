import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, useAction } from '../lib/hooks';
import {
  STATE_LABELS,
  UPDATE_LABELS,
  getPublication,
  listStatusComponents,
  publishUpdate,
  template,
  type ComponentState,
  type Publication,
  type StatusComponent,
  type UpdateStatus,
} from '../lib/status-api';
import { Notice } from './notice';

const STATUSES = Object.keys(UPDATE_LABELS) as UpdateStatus[];
const STATES = Object.keys(STATE_LABELS) as ComponentState[];

/**
 * "Publish to status page": a public title, the affected components and their state, and an update drafted
 * from the status's template. Once the incident is resolved, it opens with the final "resolved" update ready.
 */
export function StatusPublish({ incidentId, resolved }: { incidentId: string; resolved: boolean }) {
  const [components, setComponents] = useState<StatusComponent[] | null>(null);
  const [publication, setPublication] = useState<Publication | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [status, setStatus] = useState<UpdateStatus>('investigating');
  const [affected, setAffected] = useState<Record<string, ComponentState>>({});
  const [body, setBody] = useState('');
  const [edited, setEdited] = useState(false);
  const { pending, outcome, run } = useAction();

  // Loaded when the panel opens, or once the incident is resolved (to offer the final update): most incident
  // views never need it.
  const [wanted, setWanted] = useState(false);
  useEffect(() => {
    if (!wanted && !resolved) return;
    void (async () => {
      try {
        const [list, pub] = await Promise.all([listStatusComponents(), getPublication(incidentId)]);
        setComponents(list.components);
        setPublication(pub.publication);
        if (pub.publication) {
          setTitle(pub.publication.title);
          setAffected(Object.fromEntries(pub.publication.components.map((c) => [c.id, c.state])));
        }
      } catch (err) {
        setLoadError(errorText(err));
      }
    })();
  }, [incidentId, wanted, resolved]);

  const open = publication !== null && publication.resolvedAt === null;
  const panel = useRef<HTMLDetailsElement>(null);
  // Resolving the incident offers the final public update (the panel never closes under the responder).
  useEffect(() => {
    if (!resolved || !open) return;
    setStatus('resolved');
    if (panel.current) panel.current.open = true;
  }, [resolved, open]);

  const names = (components ?? []).filter((c) => affected[c.id]).map((c) => c.name);
  const draft = edited ? body : template(status, names);

  const submit = (ev: Event) => {
    ev.preventDefault();
    void run(publication ? 'Posting update…' : 'Publishing…', async () => {
      const chosen = Object.entries(affected).map(([id, state]) => ({
        id,
        state: status === 'resolved' ? ('operational' as const) : state,
      }));
      const res = await publishUpdate(incidentId, {
        ...(publication && title === publication.title ? {} : { title: title.trim() }),
        status,
        body: draft.trim(),
        components: chosen,
      });
      setPublication(res.publication);
      setEdited(false);
      setBody('');
      return publication ? 'Update posted to the status page.' : 'Published to the status page.';
    });
  };

  return (
    <details
      ref={panel}
      class="card stack status-publish"
      onToggle={(e) => e.currentTarget.open && setWanted(true)}
    >
      <summary>
        {publication ? 'Status page: post an update' : 'Publish to status page'}
        {publication && (
          <span class="muted small">
            {' '}
            · {UPDATE_LABELS[publication.status as UpdateStatus] ?? publication.status}
          </span>
        )}
      </summary>
      {loadError && <p class="notice notice-error">{loadError}</p>}
      <form class="stack" aria-label="Status page update" onSubmit={submit}>
        <label class="field">
          <span>Public title</span>
          <input
            value={title}
            maxLength={120}
            required
            placeholder="Card payments are failing"
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
          <small>Customers see this, never the incident title.</small>
        </label>
        <fieldset class="fieldset">
          <legend>Status</legend>
          <div class="segmented segmented-4" role="group" aria-label="Status">
            {STATUSES.map((s) => (
              <button
                key={s}
                type="button"
                aria-pressed={status === s}
                onClick={() => setStatus(s)}
              >
                {UPDATE_LABELS[s]}
              </button>
            ))}
          </div>
        </fieldset>
        <fieldset class="fieldset">
          <legend>Affected components</legend>
          {components?.length === 0 && (
            <p class="muted small">
              No components yet: an admin adds them under Admin → Status page.
            </p>
          )}
          {components?.map((c) => (
            <div key={c.id} class="status-component-choice">
              <label class="check">
                <input
                  type="checkbox"
                  checked={affected[c.id] !== undefined}
                  onChange={(e) => {
                    const next = { ...affected };
                    if (e.currentTarget.checked) next[c.id] = 'partial_outage';
                    else delete next[c.id];
                    setAffected(next);
                  }}
                />
                <span>{c.name}</span>
              </label>
              {affected[c.id] !== undefined && (
                <label class="field">
                  <span class="visually-hidden">State of {c.name}</span>
                  <select
                    value={affected[c.id]}
                    onChange={(e) =>
                      setAffected({ ...affected, [c.id]: e.currentTarget.value as ComponentState })
                    }
                  >
                    {STATES.map((s) => (
                      <option key={s} value={s}>
                        {STATE_LABELS[s]}
                      </option>
                    ))}
                  </select>
                </label>
              )}
            </div>
          ))}
        </fieldset>
        <label class="field">
          <span>Public update</span>
          <textarea
            rows={4}
            maxLength={4000}
            value={draft}
            onInput={(e) => {
              setEdited(true);
              setBody(e.currentTarget.value);
            }}
          />
        </label>
        <button
          type="submit"
          class="button button-primary"
          disabled={pending !== null || !title.trim() || !draft.trim()}
        >
          {publication ? `Post ${UPDATE_LABELS[status]} update` : 'Publish'}
        </button>
        <Notice outcome={outcome} pending={pending} />
      </form>
      {publication && (
        <p class="muted small">
          Public:{' '}
          <a href="/status" target="_blank" rel="noopener">
            /status
          </a>{' '}
          · {publication.updates.length} update{publication.updates.length === 1 ? '' : 's'}
        </p>
      )}
    </details>
  );
}
