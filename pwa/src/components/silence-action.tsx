import { formatDayTime } from '../lib/format';
import { useAction } from '../lib/hooks';
import { silenceIncident } from '../lib/maintenance-api';
import { Notice } from './notice';

const LENGTHS = ['1h', '4h', '24h'] as const;

/** "Silence alerts like this": alerts matching this incident's first alert page no one for a while. */
export function SilenceAction({ incidentId }: { incidentId: string }) {
  const { pending, outcome, run } = useAction();
  const silence = (length: (typeof LENGTHS)[number]) =>
    void run('Silencing…', async () => {
      const { silence } = await silenceIncident(incidentId, length);
      return `Silenced until ${formatDayTime(silence.endsAt)}: alerts like this are recorded, not paged.`;
    });
  return (
    <section class="card stack" aria-labelledby="silence-heading">
      <h2 id="silence-heading">Silence alerts like this</h2>
      <div class="segmented" role="group" aria-label="Silence for">
        {LENGTHS.map((length) => (
          <button
            key={length}
            type="button"
            disabled={pending !== null}
            onClick={() => silence(length)}
          >
            {length}
          </button>
        ))}
      </div>
      <Notice outcome={outcome} pending={pending} />
    </section>
  );
}
