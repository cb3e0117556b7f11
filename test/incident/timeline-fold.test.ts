import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../schema/incident';
import { foldPageRetries } from '../../schema/timeline';

const system = { kind: 'system' as const, id: 'firebell', name: 'Firebell' };
let seq = 0;
const note = (text: string): TimelineEntry => ({
  seq: ++seq,
  kind: 'note',
  at: seq * 1000,
  actor: system,
  text,
});
const attempt = (device: string, n: number, ok = false): TimelineEntry => ({
  seq: ++seq,
  kind: ok ? 'notification_sent' : 'notification_failed',
  at: seq * 1000,
  actor: system,
  text: `${device} attempt ${n}`,
  data: { userId: 'usr_ana', subscriptionId: device, outcome: ok ? 'sent' : 'retry', attempt: n },
});
const shape = (entries: TimelineEntry[]) =>
  foldPageRetries(entries).map((f) => [f.entry.text, f.retries.map((r) => r.text)]);

describe('folding push retries into the page they retry', () => {
  it('folds the retries of two devices paged together into one line each, even when their entries interleave', () => {
    expect(
      shape([
        attempt('pixel', 1),
        attempt('mac', 1),
        note('Rolling back'),
        attempt('pixel', 2),
        attempt('mac', 2),
        attempt('pixel', 3, true),
        attempt('mac', 3),
      ]),
    ).toEqual([
      ['pixel attempt 1', ['pixel attempt 2', 'pixel attempt 3']],
      ['mac attempt 1', ['mac attempt 2', 'mac attempt 3']],
      ['Rolling back', []],
    ]);
  });

  it('starts a new line when the same device is paged again (a re-notification or the next level)', () => {
    expect(
      shape([attempt('pixel', 1), attempt('pixel', 2), attempt('pixel', 1), attempt('pixel', 2)]),
    ).toEqual([
      ['pixel attempt 1', ['pixel attempt 2']],
      ['pixel attempt 1', ['pixel attempt 2']],
    ]);
  });

  it('shows a retry on its own when the attempt before it is not on the timeline (an older page, a partial load)', () => {
    expect(shape([note('before'), attempt('pixel', 3), attempt('pixel', 4)])).toEqual([
      ['before', []],
      ['pixel attempt 3', ['pixel attempt 4']],
    ]);
  });

  it('leaves entries that are not push attempts exactly as they were, in order', () => {
    const entries = [
      note('a'),
      {
        ...note('Could not page Ana: no device registered'),
        kind: 'notification_failed' as const,
        data: { userId: 'usr_ana' },
      },
      note('b'),
    ];
    expect(foldPageRetries(entries)).toEqual(entries.map((entry) => ({ entry, retries: [] })));
  });
});
