import { useEffect, useState } from 'preact/hooks';
import { AppBar } from '../components/app-bar';
import { SeverityBadge } from '../components/badges';
import { Notice } from '../components/notice';
import { ActionItemsEditor } from '../components/review/action-items';
import { ReviewFacts } from '../components/review/facts';
import { SECTION_KEYS, SECTION_TITLES } from '../../../schema/review';
import { ApiError, listUsers } from '../lib/api';
import { formatTime } from '../lib/format';
import { errorText, useAction, useNow, useTitle } from '../lib/hooks';
import {
  conflictingReview,
  exportUrl,
  getReview,
  isSuggested,
  saveReview,
  startReview,
} from '../lib/review-api';
import { changedParts, rebase, toDraft, toEdit, type Draft } from '../lib/review-draft';
import type { Review, ReviewStatus, User } from '../lib/types';

const STATUSES: { value: ReviewStatus; label: string }[] = [
  { value: 'draft', label: 'Draft' },
  { value: 'in_review', label: 'In review' },
  { value: 'published', label: 'Published' },
];

const PART_TITLES: Record<string, string> = {
  ...SECTION_TITLES,
  actionItems: 'Action items',
  status: 'Status',
};

/** "Summary, root cause, added “Roll back faster”": one line per saved edit. */
function describeChanges(changes: Review['edits'][number]['changes']): string {
  const words = changes.map((c) => {
    if (c.field === 'status')
      return `status ${String(c.from).replace('_', ' ')} → ${String(c.to).replace('_', ' ')}`;
    if (c.detail) return c.detail;
    return (PART_TITLES[c.field.replace(/^sections\./, '')] ?? c.field).toLowerCase();
  });
  return [...new Set(words)].join(', ');
}

type Loaded =
  | { kind: 'loading' }
  | { kind: 'missing'; suggested: boolean }
  | { kind: 'failed'; detail: string }
  | { kind: 'ready' };

/** /incidents/:id/review — the post-incident review: the record's facts, the written sections, action items, status. Loaded on demand. */
export function ReviewPage({ id, me }: { id: string; me: User }) {
  const now = useNow();
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [review, setReview] = useState<Review | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [conflict, setConflict] = useState<{ theirs: Review; clashes: string[] } | null>(null);
  const [users, setUsers] = useState<User[]>([]);
  const action = useAction();
  const canEdit = me.role !== 'viewer';
  useTitle(review ? `Review of #${review.facts.number}` : 'Review');

  const show = (r: Review) => {
    setReview(r);
    setDraft(toDraft(r));
    setLoaded({ kind: 'ready' });
  };

  useEffect(() => {
    const ctrl = new AbortController();
    getReview(id, ctrl.signal).then(show, (err: unknown) => {
      if (ctrl.signal.aborted) return;
      // A 404 about the review carries `suggested`; one about the incident itself does not.
      if (err instanceof ApiError && err.status === 404 && 'suggested' in err.extensions)
        setLoaded({ kind: 'missing', suggested: isSuggested(err) });
      else setLoaded({ kind: 'failed', detail: errorText(err) });
    });
    listUsers({ signal: ctrl.signal }).then(
      (r) => setUsers(r.users),
      () => undefined,
    );
    return () => ctrl.abort();
  }, [id]);

  const start = () =>
    action.run('Starting the review…', async () => {
      show(await startReview(id));
      return 'Review started from the incident’s record.';
    });

  const save = (ev: Event) => {
    ev.preventDefault();
    if (!review || !draft) return;
    void action.run('Saving…', async () => {
      try {
        show(await saveReview(id, toEdit(draft, review.version)));
        setConflict(null);
        return 'Saved.';
      } catch (err) {
        const theirs = conflictingReview(err);
        if (!theirs) throw err;
        setConflict({ theirs, clashes: rebase(draft, review, theirs).clashes });
        throw new ApiError(
          409,
          'Not saved: someone else changed this review. Their version is shown below.',
        );
      }
    });
  };

  const loadTheirs = () => {
    if (!conflict) return;
    show(conflict.theirs);
    setConflict(null);
    action.report({ ok: true, text: 'Showing their version. Your edits were discarded.' });
  };
  const keepMine = () => {
    if (!conflict || !review || !draft) return;
    setDraft(rebase(draft, review, conflict.theirs).draft);
    setReview(conflict.theirs);
    setConflict(null);
    action.report({ ok: true, text: 'Merged: their changes plus yours. Check it, then save.' });
  };

  const back = `/incidents/${encodeURIComponent(id)}`;
  if (loaded.kind !== 'ready' || !review || !draft) {
    return (
      <>
        <AppBar back={back} title="Review" />
        <main class="page message-screen">
          {loaded.kind === 'loading' ? (
            <div class="skeleton-header" aria-busy="true" />
          ) : loaded.kind === 'failed' ? (
            <>
              <h1>Can't open this review</h1>
              <p role="alert">{loaded.detail}</p>
            </>
          ) : (
            <>
              <h1>No review yet</h1>
              <p>
                {loaded.kind === 'missing' && loaded.suggested
                  ? 'A review is suggested for this incident. It starts pre-filled from the incident’s record: key moments, time to acknowledge and resolve, who took part.'
                  : 'A review starts pre-filled from the incident’s record: key moments, time to acknowledge and resolve, who took part.'}
              </p>
              {canEdit ? (
                <button
                  type="button"
                  class="button button-primary"
                  disabled={action.pending !== null}
                  onClick={() => void start()}
                >
                  Start the review
                </button>
              ) : (
                <p class="muted">A responder or an admin can start it.</p>
              )}
              <Notice outcome={action.outcome} pending={action.pending} />
            </>
          )}
        </main>
      </>
    );
  }

  const { facts } = review;
  const unsaved = changedParts(draft, review);
  const last = review.edits.at(-1);
  return (
    <>
      <AppBar back={back} title={`Review #${facts.number}`} />
      <main class="page stack review-page">
        <header>
          <h1>{facts.title}</h1>
          <p class="incident-row-meta">
            <SeverityBadge severity={facts.severity} />
            <span class={`badge review-${review.status}`}>
              {STATUSES.find((s) => s.value === review.status)?.label}
            </span>
            <a href={back}>Incident #{facts.number}</a>
          </p>
          <p class="muted small">
            Version {review.version} ·{' '}
            {last
              ? `last edited by ${last.by.name} ${formatTime(last.at, now)}`
              : `started by ${review.createdBy.name} ${formatTime(review.createdAt, now)}`}
          </p>
        </header>

        <ReviewFacts facts={facts} now={now} />

        {conflict && (
          <section class="card conflict" aria-labelledby="conflict-heading">
            <h2 id="conflict-heading">Someone else changed this review</h2>
            <p>
              {conflict.theirs.updatedBy.name} saved version {conflict.theirs.version}{' '}
              {formatTime(conflict.theirs.updatedAt, now)}. Your edits are not saved yet.
            </p>
            {SECTION_KEYS.filter((k) => conflict.theirs.sections[k] !== draft.sections[k]).map(
              (k) => (
                <div key={k}>
                  <h3>
                    {SECTION_TITLES[k]}
                    {conflict.clashes.includes(k) ? ' (you both changed it)' : ''}
                  </h3>
                  <p class="muted small">Their text:</p>
                  <blockquote class="theirs">{conflict.theirs.sections[k] || '(empty)'}</blockquote>
                </div>
              ),
            )}
            <div class="row-buttons">
              <button type="button" class="button" onClick={loadTheirs}>
                Load their version
              </button>
              <button type="button" class="button" onClick={keepMine}>
                Keep my edits on top
              </button>
            </div>
          </section>
        )}

        <form class="stack" onSubmit={save}>
          <div class="segmented" role="group" aria-label="Review status">
            {STATUSES.map((s) => (
              <button
                key={s.value}
                type="button"
                aria-pressed={draft.status === s.value}
                disabled={!canEdit}
                onClick={() => setDraft({ ...draft, status: s.value })}
              >
                {s.label}
              </button>
            ))}
          </div>
          {SECTION_KEYS.map((k) => (
            <label key={k} class="field">
              <span>{SECTION_TITLES[k]}</span>
              <textarea
                rows={k === 'summary' ? 4 : 3}
                maxLength={20_000}
                disabled={!canEdit}
                value={draft.sections[k]}
                onInput={(e) =>
                  setDraft({
                    ...draft,
                    sections: { ...draft.sections, [k]: e.currentTarget.value },
                  })
                }
              />
            </label>
          ))}
          <ActionItemsEditor
            items={draft.items}
            users={users.filter((u) => u.role !== 'viewer')}
            disabled={!canEdit}
            onChange={(items) => setDraft({ ...draft, items })}
          />
          {canEdit && (
            <div class="save-bar">
              <p class="muted small" aria-live="polite">
                {unsaved.length
                  ? `Unsaved: ${unsaved.map((p) => PART_TITLES[p] ?? p).join(', ')}`
                  : 'All changes saved.'}
              </p>
              <button
                type="submit"
                class="button button-primary"
                disabled={action.pending !== null || unsaved.length === 0}
              >
                {action.pending === 'Saving…' ? 'Saving…' : 'Save'}
              </button>
              <Notice outcome={action.outcome} pending={action.pending} />
            </div>
          )}
        </form>

        <section aria-labelledby="export-heading">
          <h2 id="export-heading">Export</h2>
          <div class="row-buttons">
            <a class="button" href={exportUrl(id, 'md')} target="_blank" rel="noopener">
              Markdown
            </a>
            <a class="button" href={exportUrl(id, 'json')} target="_blank" rel="noopener">
              JSON
            </a>
          </div>
        </section>

        {review.edits.length > 0 && (
          <details>
            <summary class="button">Edit history ({review.edits.length})</summary>
            <ol class="plain-list">
              {[...review.edits].reverse().map((e) => (
                <li key={e.version}>
                  v{e.version} · {e.by.name} · {formatTime(e.at, now)}: {describeChanges(e.changes)}
                </li>
              ))}
            </ol>
          </details>
        )}
      </main>
    </>
  );
}
