/**
 * Applying a PUT to a review, purely: the version check, status transitions, and a record of what changed.
 * Status moves one step forward (draft → in_review → published) or back to draft from either: a reviewer
 * sends a review back for changes, or a published review is reopened for corrections. A published review's
 * text is frozen; its action items stay editable, because tracking them is the point of publishing.
 */
import { badRequest, conflict } from '../errors';
import {
  SECTION_KEYS,
  type ActionItem,
  type Change,
  type Review,
  type ReviewEditInput,
  type ReviewStatus,
  type Sections,
} from '../../schema/review';

const NEXT: Record<ReviewStatus, readonly ReviewStatus[]> = {
  draft: ['in_review'],
  in_review: ['draft', 'published'],
  published: ['draft'],
};

export interface EditPlan {
  status: ReviewStatus;
  sections: Sections;
  actionItems: ActionItem[];
  publishedAt: number | null;
  /** Empty when the PUT changes nothing: then nothing is written and the version stays. */
  changes: Change[];
}

export interface EditContext {
  now: number;
  newId: () => string;
  /** Names of the users the input names as owners; an owner missing here does not exist. */
  users: Record<string, string>;
}

/** Throws a 409 carrying the current review when `input.version` is stale, 400/409 for edits that are not allowed. */
export function planEdit(current: Review, input: ReviewEditInput, ctx: EditContext): EditPlan {
  if (input.version !== current.version) {
    throw conflict(
      `This review changed since you loaded it (you sent version ${input.version}, it is now at ${current.version}). Merge your edits into the current text and send again.`,
      { current },
    );
  }
  const changes: Change[] = [];

  const status = input.status ?? current.status;
  if (status !== current.status) {
    if (!NEXT[current.status].includes(status)) {
      throw conflict(
        `A ${label(current.status)} review can move to ${NEXT[current.status].map(label).join(' or ')}, not straight to ${label(status)}.`,
      );
    }
    changes.push({ field: 'status', from: current.status, to: status });
  }

  const sections = { ...current.sections, ...input.sections };
  const editedSections = SECTION_KEYS.filter((k) => sections[k] !== current.sections[k]);
  if (editedSections.length && current.status === 'published' && status === 'published') {
    throw conflict(
      'A published review’s text is frozen: move it back to draft to change it. Action items can still be updated.',
    );
  }
  for (const k of editedSections) changes.push({ field: `sections.${k}` });

  const actionItems = input.actionItems
    ? nextItems(current.actionItems, input.actionItems, ctx, changes)
    : current.actionItems;
  const publishedAt =
    status === 'published'
      ? current.status === 'published'
        ? current.publishedAt
        : ctx.now
      : null;
  return { status, sections, actionItems, publishedAt, changes };
}

function nextItems(
  current: ActionItem[],
  input: NonNullable<ReviewEditInput['actionItems']>,
  ctx: EditContext,
  changes: Change[],
): ActionItem[] {
  const existing = new Map(current.map((i) => [i.id, i]));
  const seen = new Set<string>();
  const items = input.map((item, index): ActionItem => {
    if (item.id !== undefined) {
      if (!existing.has(item.id))
        throw badRequest(
          `actionItems.${index}.id: no action item ${item.id} in this review; leave id out to add a new one.`,
        );
      if (seen.has(item.id)) throw badRequest(`actionItems.${index}.id: ${item.id} appears twice.`);
      seen.add(item.id);
    }
    const ownerId = item.ownerId ?? null;
    if (ownerId !== null && ctx.users[ownerId] === undefined)
      throw badRequest(`actionItems.${index}.ownerId: no user ${ownerId}.`);
    const before = item.id !== undefined ? existing.get(item.id) : undefined;
    const done = item.done ?? before?.done ?? false;
    return {
      id: before?.id ?? ctx.newId(),
      title: item.title,
      ownerId,
      ownerName: ownerId === null ? null : (ctx.users[ownerId] ?? null),
      dueDate: item.dueDate ?? null,
      done,
      doneAt: done ? (before?.done ? before.doneAt : ctx.now) : null,
      createdAt: before?.createdAt ?? ctx.now,
    };
  });

  for (const item of items) {
    const before = existing.get(item.id);
    if (!before) changes.push({ field: 'actionItems', detail: `added “${item.title}”` });
    else {
      if (before.done !== item.done)
        changes.push({
          field: 'actionItems',
          detail: `${item.done ? 'completed' : 'reopened'} “${item.title}”`,
        });
      if (
        before.title !== item.title ||
        before.ownerId !== item.ownerId ||
        before.dueDate !== item.dueDate
      ) {
        changes.push({ field: 'actionItems', detail: `edited “${item.title}”` });
      }
    }
  }
  for (const before of current)
    if (!seen.has(before.id))
      changes.push({ field: 'actionItems', detail: `removed “${before.title}”` });
  const kept = items.filter((i) => existing.has(i.id)).map((i) => i.id);
  const keptBefore = current.filter((i) => seen.has(i.id)).map((i) => i.id);
  if (kept.join() !== keptBefore.join())
    changes.push({ field: 'actionItems', detail: 'reordered' });
  return items;
}

const label = (s: ReviewStatus) => s.replace('_', ' ');
