/** The review editor's state, kept apart from the saved review so a save (or a conflict) can compare the two. */
import { SECTION_KEYS } from '../../../schema/review';
import type { ActionItem, Review, ReviewEditInput, ReviewStatus, Sections } from './types';

export interface DraftItem {
  /** Stable across renders, also for items not saved yet. */
  key: string;
  /** The server's id; absent for a new item. */
  id?: string;
  title: string;
  ownerId: string | null;
  dueDate: string | null;
  done: boolean;
}

export interface Draft {
  sections: Sections;
  items: DraftItem[];
  status: ReviewStatus;
}

const item = (a: ActionItem): DraftItem => ({
  key: a.id,
  id: a.id,
  title: a.title,
  ownerId: a.ownerId,
  dueDate: a.dueDate,
  done: a.done,
});

export function toDraft(review: Review): Draft {
  return {
    sections: { ...review.sections },
    items: review.actionItems.map(item),
    status: review.status,
  };
}

/** The PUT body: everything, against the version we read. Items without a title are left out (an empty new row). */
export function toEdit(draft: Draft, version: number): ReviewEditInput {
  return {
    version,
    sections: draft.sections,
    actionItems: draft.items
      .filter((i) => i.title.trim())
      .map((i) => ({
        ...(i.id ? { id: i.id } : {}),
        title: i.title.trim(),
        ownerId: i.ownerId,
        dueDate: i.dueDate,
        done: i.done,
      })),
    status: draft.status,
  };
}

/** What differs between a draft and a saved review, in words ("Summary", "Action items", "Status"). */
export function changedParts(draft: Draft, review: Review): string[] {
  const saved = toDraft(review);
  const parts: string[] = SECTION_KEYS.filter((k) => draft.sections[k] !== saved.sections[k]);
  const items = (d: Draft) => JSON.stringify(toEdit(d, 0).actionItems);
  if (items(draft) !== items(saved)) parts.push('actionItems');
  if (draft.status !== saved.status) parts.push('status');
  return parts;
}

/**
 * Keep my edits on top of someone else's save: every part I did not touch since `base` takes their
 * version, every part I did touch keeps mine. `clashes` names the parts we both changed differently.
 */
export function rebase(
  draft: Draft,
  base: Review,
  theirs: Review,
): { draft: Draft; clashes: string[] } {
  const mine = new Set(changedParts(draft, base));
  const ours = toDraft(theirs);
  const theyChanged = new Set(changedParts(ours, base));
  const clashes = [...mine].filter(
    (p) => theyChanged.has(p) && changedParts(draft, theirs).includes(p),
  );
  const sections = { ...ours.sections };
  for (const k of SECTION_KEYS) if (mine.has(k)) sections[k] = draft.sections[k];
  return {
    draft: {
      sections,
      items: mine.has('actionItems') ? draft.items : ours.items,
      status: mine.has('status') ? draft.status : ours.status,
    },
    clashes,
  };
}
