import { formatDayTime } from '../../lib/format';
import { useAction, useLoaded } from '../../lib/hooks';
import { expireSilence, listSilences, type Silence } from '../../lib/maintenance-api';
import type { Service } from '../../lib/types';
import { Notice } from '../notice';

/** Silences in force: what they match, who made them and when they end; expire one early. */
export function SilencesAdmin({ services }: { services: Service[] }) {
  const { pending, outcome, run } = useAction();
  const {
    data: silences,
    error: loadError,
    reload,
  } = useLoaded(async () => (await listSilences()).silences);
  const expire = (s: Silence) =>
    void run('Expiring…', async () => {
      await expireSilence(s.id);
      await reload();
      return 'Silence expired: matching alerts page again.';
    });
  const serviceName = (id: string) => services.find((s) => s.id === id)?.name ?? id;

  return (
    <section aria-labelledby="silences-heading" class="stack">
      <h2 id="silences-heading">Silences</h2>
      {loadError && (
        <p class="notice notice-error" role="alert">
          {loadError}
        </p>
      )}
      {silences?.length === 0 && <p class="empty">No silences in force.</p>}
      <ul class="card-list" aria-label="Silences">
        {silences?.map((s) => (
          <li key={s.id} class="card stack">
            <strong>{serviceName(s.serviceId)}</strong>
            <code class="small">{s.matchers.map((m) => `${m.field}=${m.value}`).join(', ')}</code>
            <span class="muted small">
              By {s.createdBy.name}, until {formatDayTime(s.endsAt)}
              {s.comment ? ` · ${s.comment}` : ''}
            </span>
            <button
              type="button"
              class="button"
              disabled={pending !== null}
              onClick={() => expire(s)}
            >
              Expire now
            </button>
          </li>
        ))}
      </ul>
      <Notice outcome={outcome} pending={pending} />
    </section>
  );
}
