/**
 * A mapping tried on an integration's recorded payloads, for the Admin screen's live preview and for the check
 * that refuses (without confirmation) a mapping that fails on every one of them.
 */
import type { AlertEvent } from '../../schema/alert';
import type { RecordedPayload } from '../../schema/directory';
import type { MappingPreview, PreviewResult } from '../../schema/integration-schemas';
import type { Mapping, MappingPreset } from '../../schema/mapping-schemas';
import { applyMapping, mappingFailed } from './apply';
import { readCustomBody } from './body';
import { recordedSnsBody } from './sns';

/** Each payload's alerts, notes or error, newest first, and whether the mapping failed on every readable one. */
export async function previewMapping(
  mapping: Mapping,
  payloads: readonly RecordedPayload[],
  integrationName: string,
): Promise<MappingPreview> {
  const results: PreviewResult[] = [];
  const failed: boolean[] = [];
  for (const payload of payloads) {
    const base = {
      receivedAt: payload.receivedAt,
      contentType: payload.contentType,
      truncated: payload.truncated,
      bytes: payload.bytes,
    };
    const mapped = await mapRecorded(mapping, payload, integrationName);
    if ('error' in mapped) {
      results.push({ ...base, alerts: [], notes: [], error: mapped.error });
      continue;
    }
    results.push({
      ...base,
      alerts: mapped.events.map(mappedAlert),
      notes: mapped.notes,
      error: null,
    });
    failed.push(mapped.failed);
  }
  return { results, failsOnAll: failed.length > 0 && failed.every(Boolean) };
}

/**
 * One recorded payload mapped as the route maps it (an SNS delivery: its Message, not the envelope), or why it
 * cannot be read; a body cut when recorded is mapped from its head, with a note saying so.
 */
export async function mapRecorded(
  mapping: Mapping,
  payload: RecordedPayload,
  integrationName: string,
): Promise<{ events: AlertEvent[]; notes: string[]; failed: boolean } | { error: string }> {
  const read = readCustomBody(payload.body, payload.contentType);
  if (!read.ok)
    return {
      error: payload.truncated
        ? `the body was cut when recorded (${payload.bytes} bytes received), so it cannot be read whole: ${read.message}`
        : read.message,
    };
  const sns = recordedSnsBody(read.value);
  if (sns && 'error' in sns) return { error: sns.error };
  const mapped = await applyMapping(mapping, sns ? sns.body : read.value, { integrationName });
  const cut = payload.truncated
    ? [
        `the body was cut when recorded (${payload.bytes} bytes received); the mapping saw only its head`,
      ]
    : [];
  return { events: mapped.events, notes: [...cut, ...mapped.notes], failed: mappingFailed(mapped) };
}

/** "This mapping fails on all 3 recent payloads: …": what the 409 says, with the first failure's reasons. */
export function failureSummary(preview: MappingPreview): string {
  const readable = preview.results.filter((r) => r.error === null);
  const first = readable[0];
  const why = first?.notes.length
    ? first.notes.slice(0, 3).join('; ')
    : 'the newest raised no alert';
  return `This mapping fails on all ${readable.length} recent payloads: ${why}; send confirm: true to save it anyway.`;
}

/** The ready-made mapping a mapping still is, if any: keys compared in any order. */
export function presetMatching(
  mapping: Mapping,
  presets: readonly MappingPreset[],
): MappingPreset | undefined {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .filter(([, v]) => v !== undefined)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, v]) => [k, canonical(v)]),
          )
        : value;
  const key = JSON.stringify(canonical(mapping));
  return presets.find((p) => JSON.stringify(canonical(p.mapping)) === key);
}

function mappedAlert(e: AlertEvent): PreviewResult['alerts'][number] {
  return {
    action: e.action,
    summary: e.summary,
    severity: e.severity,
    dedupKey: e.dedupKey,
    ...(e.source !== undefined ? { source: e.source } : {}),
    ...(e.occurredAt !== undefined ? { occurredAt: e.occurredAt } : {}),
    links: e.links,
    ...(e.details !== undefined ? { details: e.details } : {}),
  };
}
