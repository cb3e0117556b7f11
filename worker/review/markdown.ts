/**
 * A review as a clean Markdown document, ready to paste into a wiki. Pure: review in, text out.
 * Nothing in it can run in the wiki: facts are escaped to show as written, sections keep their Markdown
 * but lose raw HTML and unsafe links (safe-markdown.ts).
 */
import { humanDuration } from './duration';
import { authored, plain } from './safe-markdown';
import { SECTION_KEYS, SECTION_TITLES, type KeyMomentKind, type Review } from '../../schema/review';

const STATUS: Record<Review['status'], string> = {
  draft: 'Draft',
  in_review: 'In review',
  published: 'Published',
};

const MOMENT: Record<KeyMomentKind, string> = {
  triggered: 'Triggered',
  first_page: 'First page',
  first_delivered: 'First page delivered',
  acknowledged: 'Acknowledged',
  escalated: 'Escalated',
  escalation_skipped: 'Level skipped',
  page_failed: 'Page failed',
  page_delayed: 'Page delayed',
  nobody_paged: 'Nobody paged',
  status_update: 'Status update',
  reopened: 'Reopened',
  resolved: 'Resolved',
};

export function renderMarkdown(review: Review, serviceName: string | null): string {
  const f = review.facts;
  const out: string[] = [`# Post-incident review: #${f.number} ${plain(f.title)}`, ''];

  out.push('| | |', '|---|---|');
  out.push(
    `| Status | ${STATUS[review.status]}${review.publishedAt ? ` (published ${utc(review.publishedAt)})` : ''} |`,
  );
  out.push(`| Severity | ${f.severity} |`);
  out.push(`| Service | ${plain(serviceName ?? f.serviceId ?? 'none')} |`);
  out.push(`| Triggered | ${utc(f.createdAt)} |`);
  out.push(`| Acknowledged | ${f.acknowledgedAt ? utc(f.acknowledgedAt) : 'never'} |`);
  out.push(`| Resolved | ${f.resolvedAt ? utc(f.resolvedAt) : 'not yet'} |`);
  out.push(`| Time to acknowledge (MTTA) | ${f.timeToAcknowledge?.text ?? 'n/a'} |`);
  out.push(`| Time to resolve (MTTR) | ${f.timeToResolve?.text ?? 'n/a'} |`);
  out.push(`| Highest escalation level | ${f.escalationLevel} |`);
  out.push('');

  for (const key of SECTION_KEYS) {
    const text = review.sections[key].trim();
    out.push(`## ${SECTION_TITLES[key]}`, '', text ? authored(text) : '_Not written yet._', '');
  }

  out.push('## Action items', '');
  if (!review.actionItems.length) out.push('_None._');
  for (const item of review.actionItems) {
    const owner = item.ownerName ?? item.ownerId;
    const meta = [
      owner ? `owner: ${plain(owner)}` : null,
      item.dueDate ? `due ${item.dueDate}` : null,
    ].filter(Boolean);
    out.push(
      `- [${item.done ? 'x' : ' '}] ${plain(item.title)}${meta.length ? ` (${meta.join(', ')})` : ''}`,
    );
  }
  out.push('');

  out.push(
    '## Key moments',
    '',
    '| Time (UTC) | Since trigger | Moment | What happened |',
    '|---|---|---|---|',
  );
  for (const m of f.keyMoments)
    out.push(
      `| ${utc(m.at)} | +${humanDuration(m.offsetMs)} | ${MOMENT[m.kind]} | ${plain(m.text)} |`,
    );
  out.push('');

  if (f.runbook) {
    out.push(`## Runbook: ${plain(f.runbook.name)}`, '');
    for (const s of f.runbook.steps)
      out.push(
        `- [${s.done ? 'x' : ' '}] ${s.number}. ${plain(s.text)}${s.done && s.at !== null ? ` (${plain(s.by ?? '')}, ${utc(s.at)})` : ''}`,
      );
    out.push('');
  }

  out.push('## Participants', '');
  if (!f.participants.length) out.push('_Nobody acted on this incident._');
  for (const p of f.participants)
    out.push(`- ${plain(p.name)}: ${p.roles.map((r) => r.replace(/_/g, ' ')).join(', ')}`);
  out.push('');

  out.push('## Alerts', '');
  if (!f.alerts.length) out.push('_Opened by hand; no alerts._');
  else {
    out.push(
      '| Alert | Severity | Status | Source | Notifications | First seen (UTC) | Last seen (UTC) |',
      '|---|---|---|---|---|---|---|',
    );
    for (const a of f.alerts) {
      const status =
        a.status === 'firing'
          ? 'firing'
          : a.resolvedBy === 'incident'
            ? 'resolved with the incident'
            : 'resolved';
      out.push(
        `| ${plain(a.summary)} | ${a.severity} | ${status} | ${plain(a.source ?? '')} | ${a.count} | ${utc(a.firstSeenAt)} | ${utc(a.lastSeenAt)} |`,
      );
    }
  }
  out.push('');
  return out.join('\n');
}

/** "2025-03-04 09:15:00 UTC": unambiguous for readers in any zone. */
function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
