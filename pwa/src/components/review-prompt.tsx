import { useEffect, useState } from 'preact/hooks';
import { getReview, isSuggested } from '../lib/review-api';
import type { Review } from '../lib/types';

type Known =
  | { kind: 'checking' }
  | { kind: 'exists'; review: Review }
  | { kind: 'suggested' }
  | { kind: 'none' };

const STATUS: Record<Review['status'], string> = {
  draft: 'draft',
  in_review: 'in review',
  published: 'published',
};

/**
 * On a resolved incident: its review, or the nudge to write one (prominent when the server suggests it).
 * Always one line and one button, so nothing on the page moves when the answer arrives.
 */
export function ReviewPrompt({ incidentId }: { incidentId: string }) {
  const [known, setKnown] = useState<Known>({ kind: 'checking' });
  useEffect(() => {
    const ctrl = new AbortController();
    getReview(incidentId, ctrl.signal).then(
      (review) => setKnown({ kind: 'exists', review }),
      (err: unknown) =>
        !ctrl.signal.aborted && setKnown({ kind: isSuggested(err) ? 'suggested' : 'none' }),
    );
    return () => ctrl.abort();
  }, [incidentId]);

  const href = `/incidents/${encodeURIComponent(incidentId)}/review`;
  const suggested = known.kind === 'suggested';
  return (
    <aside
      class={`card review-prompt ${suggested ? 'review-suggested' : ''}`}
      aria-label="Post-incident review"
    >
      <p>
        {known.kind === 'exists'
          ? `Post-incident review: ${STATUS[known.review.status]}, version ${known.review.version}.`
          : suggested
            ? 'A review is suggested: learn from this incident while it is fresh.'
            : known.kind === 'none'
              ? 'No post-incident review yet.'
              : 'Post-incident review'}
      </p>
      <a class={`button ${suggested ? 'button-primary' : ''}`} href={href}>
        {known.kind === 'exists'
          ? 'Open the review'
          : suggested
            ? 'Start the review'
            : 'Write a review'}
      </a>
    </aside>
  );
}
