import { formatDuration, formatTime } from '../../lib/format';
import type { Review } from '../../lib/types';
import { AlertBody, alertState } from '../alerts';
import { roleLabel } from '../incident-commands';

type Facts = Review['facts'];

/** What the incident's own record says: the figures, the key moments, who took part, the alerts. */
export function ReviewFacts({ facts, now }: { facts: Facts; now: number }) {
  return (
    <>
      <dl class="tiles" aria-label="Figures">
        <div>
          <dt>Time to acknowledge</dt>
          <dd>{facts.timeToAcknowledge?.text ?? 'not acknowledged'}</dd>
        </div>
        <div>
          <dt>Time to resolve</dt>
          <dd>{facts.timeToResolve?.text ?? 'not resolved'}</dd>
        </div>
        <div>
          <dt>Escalation level</dt>
          <dd>{facts.escalationLevel}</dd>
        </div>
        <div>
          <dt>Alerts</dt>
          {/* Distinct alerts; their repeats are notifications, counted on each alert below. */}
          <dd>{facts.alerts.length}</dd>
        </div>
      </dl>

      <section aria-labelledby="moments-heading">
        <h2 id="moments-heading">Key moments</h2>
        <ol class="timeline" aria-label="Key moments">
          {facts.keyMoments.map((m, i) => (
            <li key={`${m.kind}-${i}`} class={`tl tl-${m.kind}`}>
              <time dateTime={new Date(m.at).toISOString()}>
                {formatTime(m.at, now)} <span class="muted">(+{formatDuration(m.offsetMs)})</span>
              </time>
              <span class="tl-actor">{m.actor}</span>
              <span class="tl-text">{m.text}</span>
            </li>
          ))}
        </ol>
      </section>

      {facts.runbook && (
        <section aria-labelledby="review-runbook-heading">
          <h2 id="review-runbook-heading">Runbook: {facts.runbook.name}</h2>
          <ol class="plain-list" aria-label="Runbook steps">
            {facts.runbook.steps.map((s) => (
              <li key={s.number}>
                {s.done ? '☑' : '☐'} {s.text}
                {s.done && s.at !== null && (
                  <span class="muted">
                    {' '}
                    · {s.by}, {formatTime(s.at, now)}
                  </span>
                )}
              </li>
            ))}
          </ol>
        </section>
      )}

      <section aria-labelledby="participants-heading">
        <h2 id="participants-heading">Who took part</h2>
        {facts.participants.length ? (
          <ul class="plain-list">
            {facts.participants.map((p) => (
              <li key={p.id}>
                <strong>{p.name}</strong>
                {p.roles.length > 0 && (
                  <span class="muted"> · {p.roles.map(roleLabel).join(', ')}</span>
                )}
              </li>
            ))}
          </ul>
        ) : (
          <p class="empty">Nobody acted on this incident.</p>
        )}
      </section>

      {facts.alerts.length > 0 && (
        <section aria-labelledby="review-alerts-heading">
          <h2 id="review-alerts-heading">Alerts involved</h2>
          <ul class="plain-list review-alerts">
            {facts.alerts.map((a) => (
              <li key={a.key}>
                {a.summary}{' '}
                <span class="muted small">
                  · {a.severity} · {a.count === 1 ? 'fired once' : `fired ${a.count} times`} ·{' '}
                  {alertState(a).toLowerCase()}
                </span>
                <AlertBody alert={a} />
                {a.bodyOmitted && (
                  <p class="muted small">
                    What the monitor sent is left out of this review to keep it small; the incident
                    has it.
                  </p>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
