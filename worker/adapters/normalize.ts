/**
 * Shared normalization for every monitor adapter: the one place LIMITS are enforced,
 * so each format-specific file only translates fields and never decides how much to keep.
 */
import type { AlertAction, AlertEvent, AlertLink, Severity } from '../../schema/alert';
import { KEY_MAX, LIMITS } from '../../schema/alert';
import type { ChangeEvent } from '../../schema/change';
import { clip } from '../../schema/text';

// Moved to schema/ (shared with the wire schemas); re-exported so adapters keep one import.
export { KEY_MAX } from '../../schema/alert';
export { mapSeverity } from '../../schema/severity';
export { clip, listNames } from '../../schema/text';
export { parseTimestamp } from '../../schema/timestamp';

export type AdapterResult = { ok: true; events: AlertEvent[] } | { ok: false; errors: string[] };

/** A URL longer than this is abuse, not a link anyone will tap. */
const HREF_MAX = 2048;
const PREVIEW_CHARS = 1024;
/** Error lists are read by humans; thousands of identical issues help no one. */
const MAX_ERRORS = 20;

export interface EventDraft {
  action: AlertAction;
  dedupKey: string;
  /** Defaults to dedupKey for single-alert formats. */
  alertKey?: string;
  summary: string;
  severity: Severity;
  source?: string | undefined;
  occurredAt?: number | undefined;
  /** Any JSON value; non-objects are wrapped so details is always an object. */
  details?: unknown;
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
  links?: readonly AlertLink[];
  truncatedAlerts?: number | undefined;
  groupSummary?: string | undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isHttpUrl(href: string): boolean {
  if (href.length > HREF_MAX) return false;
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export const unknownKeys = (
  body: Record<string, unknown>,
  allowed: ReadonlySet<string>,
): string[] => Object.keys(body).filter((k) => !allowed.has(k));

export function capErrors(errors: string[]): string[] {
  return errors.length > MAX_ERRORS
    ? [...errors.slice(0, MAX_ERRORS), `…and ${errors.length - MAX_ERRORS} more errors`]
    : errors;
}

/** Zod issues as "alerts[0].labels.severity: message", for formats with no error wording of their own. */
export function issueMessages(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): string[] {
  return capErrors(
    issues.map((issue) => {
      const path = issue.path
        .map((part, i) =>
          typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${clip(String(part), 64)}`,
        )
        .join('');
      return `${path || 'body'}: ${issue.message}`;
    }),
  );
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Dedup key for senders that give none: SHA-256 hex (async, WebCrypto) of summary and source,
 * so the same alert text from the same place lands on the same incident, as PagerDuty and GoAlert do.
 */
export function fallbackDedupKey(summary: string, source?: string): Promise<string> {
  return sha256Hex(JSON.stringify([summary.trim(), source?.trim() ?? '']));
}

/** Keys over KEY_MAX (e.g. an Alertmanager groupKey with many labels) become a stable hash so storage stays bounded. */
export async function fitKey(key: string): Promise<string> {
  return key.length <= KEY_MAX ? key : `sha256:${await sha256Hex(key)}`;
}

function fitMap(map: Record<string, string>, cut: { truncated: boolean }): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map).map(([key, value]) => {
      const k = clip(key, LIMITS.labelValue);
      const v = clip(value, LIMITS.labelValue);
      if (k !== key || v !== value) cut.truncated = true;
      return [k, v];
    }),
  );
}

function fitDetails(
  value: unknown,
  cut: { truncated: boolean },
): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  const details = isRecord(value) ? value : typeof value === 'string' ? { text: value } : { value };
  let json: string | undefined;
  try {
    json = JSON.stringify(details);
  } catch {} // Unserializable (cyclic, or nested past the stack): treat as oversize rather than throw.
  const bytes = json === undefined ? undefined : new TextEncoder().encode(json).length;
  if (bytes !== undefined && bytes <= LIMITS.details) return details;
  cut.truncated = true;
  return {
    truncated: true,
    bytes: bytes ?? null,
    limit: LIMITS.details,
    preview: clip(json ?? '', PREVIEW_CHARS),
  };
}

function fitLinks(links: readonly AlertLink[], cut: { truncated: boolean }): AlertLink[] {
  const kept: AlertLink[] = [];
  const seen = new Set<string>();
  for (const link of links) {
    if (!isHttpUrl(link.href) || seen.has(link.href)) continue;
    if (kept.length >= LIMITS.links) {
      cut.truncated = true;
      break;
    }
    seen.add(link.href);
    const text = link.text?.trim() ? clip(link.text.trim(), LIMITS.labelValue) : undefined;
    kept.push(text ? { href: link.href, text } : { href: link.href });
  }
  return kept;
}

/**
 * Build the AlertEvent, enforcing every limit. `truncated` is set when anything was cut for size
 * (summary, details, source, label/annotation values, links past LIMITS.links); links dropped for a
 * non-http(s) scheme are sanitization, not truncation, and do not set it.
 */
export function normalizeEvent(draft: EventDraft): AlertEvent {
  const cut = { truncated: false };
  const rawSummary = draft.summary.trim();
  const summary = clip(rawSummary, LIMITS.summary);
  if (summary !== rawSummary) cut.truncated = true;
  const details = fitDetails(draft.details, cut);
  const labels = draft.labels && fitMap(draft.labels, cut);
  const annotations = draft.annotations && fitMap(draft.annotations, cut);
  const links = fitLinks(draft.links ?? [], cut);
  const source = draft.source?.trim() ? clip(draft.source.trim(), LIMITS.labelValue) : undefined;
  if (source !== undefined && source !== draft.source?.trim()) cut.truncated = true;
  const groupSummary = draft.groupSummary?.trim()
    ? clip(draft.groupSummary.trim(), LIMITS.summary)
    : undefined;
  return {
    action: draft.action,
    dedupKey: draft.dedupKey,
    alertKey: draft.alertKey ?? draft.dedupKey,
    summary,
    truncated: cut.truncated,
    severity: draft.severity,
    ...(source !== undefined ? { source } : {}),
    ...(draft.occurredAt !== undefined ? { occurredAt: draft.occurredAt } : {}),
    ...(details !== undefined ? { details } : {}),
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
    links,
    ...(draft.truncatedAlerts !== undefined ? { truncatedAlerts: draft.truncatedAlerts } : {}),
    ...(groupSummary ? { groupSummary } : {}),
  };
}

/** A change event as an adapter reads it; the router gives it an id, a service, and its time (see occurredAt). */
export type ChangeDraft = Pick<ChangeEvent, 'summary' | 'source' | 'details' | 'links'> & {
  /** The sender's timestamp, if it sent one; the router caps it at the arrival time. */
  occurredAt?: number;
};

/** The same limits for change events: summary, source, details and links are cut exactly as an alert's are. */
export function normalizeChange(draft: {
  summary: string;
  source?: string | undefined;
  occurredAt?: number | undefined;
  details?: unknown;
  links?: readonly AlertLink[];
}): ChangeDraft {
  const cut = { truncated: false };
  const source = draft.source?.trim() ? clip(draft.source.trim(), LIMITS.labelValue) : null;
  return {
    summary: clip(draft.summary.trim(), LIMITS.summary),
    source,
    ...(draft.occurredAt !== undefined ? { occurredAt: draft.occurredAt } : {}),
    details: fitDetails(draft.details, cut) ?? null,
    links: fitLinks(draft.links ?? [], cut),
  };
}
