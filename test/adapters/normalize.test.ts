import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../schema/alert';
import {
  clip,
  fallbackDedupKey,
  fitKey,
  mapSeverity,
  normalizeEvent,
} from '../../worker/adapters/normalize';
import { deeplyNested } from './hostile-bodies';

const base = { action: 'trigger', dedupKey: 'k', summary: 'Disk full', severity: 'error' } as const;

describe('normalizeEvent', () => {
  it('passes a small event through unchanged and marks it untruncated', () => {
    const event = normalizeEvent({
      ...base,
      source: 'web-1',
      details: { used: '99%' },
      links: [{ href: 'https://example.com', text: 'Runbook' }],
    });
    expect(event).toEqual({
      action: 'trigger',
      dedupKey: 'k',
      alertKey: 'k',
      summary: 'Disk full',
      truncated: false,
      severity: 'error',
      source: 'web-1',
      details: { used: '99%' },
      links: [{ href: 'https://example.com', text: 'Runbook' }],
    });
  });

  it('cuts an overlong summary to the limit and ends it with an ellipsis', () => {
    const event = normalizeEvent({ ...base, summary: 'x'.repeat(LIMITS.summary + 500) });
    expect(event.summary).toHaveLength(LIMITS.summary);
    expect(event.summary.endsWith('…')).toBe(true);
    expect(event.truncated).toBe(true);
  });

  it('never splits an emoji when cutting a summary', () => {
    const cut = clip(`${'a'.repeat(8)}😀😀`, 10);
    expect(cut).toBe(`${'a'.repeat(8)}…`);
  });

  it('replaces details larger than the limit with a marker that says how big they were', () => {
    const event = normalizeEvent({ ...base, details: { log: 'y'.repeat(LIMITS.details * 2) } });
    expect(event.truncated).toBe(true);
    expect(event.details).toMatchObject({ truncated: true, limit: LIMITS.details });
    expect((event.details?.bytes as number) > LIMITS.details).toBe(true);
    expect(JSON.stringify(event.details).length).toBeLessThan(LIMITS.details);
  });

  it('replaces very deeply nested details with the truncated marker instead of crashing', () => {
    const event = normalizeEvent({ ...base, details: deeplyNested(100_000) });
    expect(event.truncated).toBe(true);
    expect(event.details).toMatchObject({ truncated: true, limit: LIMITS.details });
  });

  it('replaces details that cannot be serialized at all with a marker of unknown size', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const event = normalizeEvent({ ...base, details: cyclic });
    expect(event.details).toMatchObject({ truncated: true, bytes: null });
  });

  it('wraps string details so details is always an object', () => {
    expect(normalizeEvent({ ...base, details: 'stack trace' }).details).toEqual({
      text: 'stack trace',
    });
    expect(normalizeEvent({ ...base, details: [1, 2] }).details).toEqual({ value: [1, 2] });
  });

  it('caps long label values and reports the event as truncated', () => {
    const event = normalizeEvent({
      ...base,
      labels: { team: 'ops', blob: 'z'.repeat(LIMITS.labelValue + 1) },
    });
    expect(event.labels?.team).toBe('ops');
    expect(event.labels?.blob).toHaveLength(LIMITS.labelValue);
    expect(event.truncated).toBe(true);
  });

  it('keeps only http and https links, without duplicates, and at most the link limit', () => {
    const links = [
      { href: 'javascript:alert(1)' },
      { href: 'not a url' },
      { href: 'ftp://example.com/file' },
      { href: 'https://example.com/a', text: 'A' },
      { href: 'https://example.com/a', text: 'again' },
      ...Array.from({ length: LIMITS.links + 5 }, (_, i) => ({ href: `http://example.com/${i}` })),
    ];
    const event = normalizeEvent({ ...base, links });
    expect(event.links).toHaveLength(LIMITS.links);
    expect(event.links[0]).toEqual({ href: 'https://example.com/a', text: 'A' });
    expect(event.links.every((l) => /^https?:/.test(l.href))).toBe(true);
    expect(event.truncated).toBe(true);
  });

  it('drops unsafe links without calling the event truncated', () => {
    const event = normalizeEvent({ ...base, links: [{ href: 'data:text/html,hi' }] });
    expect(event.links).toEqual([]);
    expect(event.truncated).toBe(false);
  });
});

describe('mapSeverity', () => {
  it.each([
    ['critical', 'critical'],
    ['PAGE', 'critical'],
    ['error', 'error'],
    ['high', 'error'],
    ['warning', 'warning'],
    ['warn', 'warning'],
    ['info', 'info'],
    ['low', 'info'],
    ['none', 'info'],
  ])('reads %s as %s', (input, expected) => {
    expect(mapSeverity(input)).toBe(expected);
  });

  it('does not recognize words that only exist on Object.prototype', () => {
    expect(mapSeverity('constructor')).toBeUndefined();
    expect(mapSeverity('toString')).toBeUndefined();
    expect(mapSeverity(3)).toBeUndefined();
  });
});

describe('dedup keys', () => {
  it('derives the same fallback key for the same summary and source, and a different one otherwise', async () => {
    const a = await fallbackDedupKey('Disk full', 'web-1');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await fallbackDedupKey('Disk full', 'web-1')).toBe(a);
    expect(await fallbackDedupKey('Disk full', 'web-2')).not.toBe(a);
    expect(await fallbackDedupKey('Disk full web-1')).not.toBe(a);
  });

  it('keeps short keys and hashes keys too long to store', async () => {
    expect(await fitKey('short')).toBe('short');
    const long = await fitKey('g'.repeat(1000));
    expect(long).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await fitKey('g'.repeat(1000))).toBe(long);
  });
});
