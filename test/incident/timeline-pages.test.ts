/**
 * After a storm an incident has tens of thousands of timeline entries. Every read returns the newest page
 * (500 entries or 256 KB) with a cursor to page back, so what happened last (the acknowledgement) is always there.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../schema/incident';
import type { ServerMessage } from '../../schema/protocol';
import { setClock } from '../../worker/clock';
import {
  ADMIN,
  LiveClient,
  api,
  command,
  createUser,
  json,
  openIncident,
  type TestUser,
} from '../helpers';
import { alertGroup, send, serviceWith } from '../ingest/support';

interface Read {
  incident: { lastSeq: number };
  timeline: TimelineEntry[];
  earlier: number | null;
}
const read = (id: string, before?: number) =>
  json<Read>(
    api(`/api/incidents/${id}${before ? `?before=${before}` : ''}`, { headers: ADMIN }),
    200,
  );
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).byteLength;
const seqs = (entries: TimelineEntry[]) => entries.map((e) => e.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

let ana: TestUser;
let stormId: string;
let ackSeq: number;

beforeAll(async () => {
  ana = await createUser('Ana');
  const { integration } = await serviceWith('alertmanager');
  const res = await send(integration.url, alertGroup(0, 10_500));
  stormId = ((await res.json()) as { incidents: { incidentId: string }[] }).incidents[0]!
    .incidentId;
  const acked = await json<{ incident: { lastSeq: number } }>(
    command(ana, stormId, 'acknowledge'),
    200,
  );
  ackSeq = acked.incident.lastSeq;
  expect(ackSeq).toBeGreaterThan(10_000);
});

describe('the incident read after a storm', () => {
  it('returns the newest 500 entries, the acknowledgement among them, and a cursor to the ones before', async () => {
    const page = await read(stormId);
    const lastSeq = page.incident.lastSeq;
    expect(page.timeline).toHaveLength(500);
    expect(seqs(page.timeline)).toEqual(range(lastSeq - 499, lastSeq));
    expect(page.timeline.find((e) => e.seq === ackSeq)).toMatchObject({
      kind: 'acknowledged',
      text: 'Acknowledged by Ana',
    });
    expect(page.earlier).toBe(lastSeq - 499);
  });

  it('pages back with before= through every entry once, down to the first, where the cursor is null', async () => {
    const seen: number[] = [];
    let before: number | null | undefined;
    let newest = 0;
    for (let pages = 0; before !== null; pages++) {
      expect(pages).toBeLessThan(40);
      const page = await read(stormId, before);
      newest ||= page.timeline.at(-1)!.seq;
      seen.unshift(...seqs(page.timeline));
      before = page.earlier;
    }
    expect(seen).toEqual(range(1, newest));
  });

  it('cuts a page at 256 KB when the entries are long', async () => {
    const inc = await openIncident(ana);
    // A note every 100 ms of the clock, within the per-person command rate (10 a second), so all forty land.
    let t = Date.now();
    const restore = setClock(() => t);
    try {
      for (let i = 0; i < 40; i++, t += 100)
        expect(
          (await command(ana, inc.id, 'notes', { text: `${i} ${'ü'.repeat(7990)}` })).status,
        ).toBe(200);
    } finally {
      restore();
    }
    const page = await read(inc.id);
    expect(page.timeline.length).toBeLessThan(41);
    expect(bytes(page.timeline)).toBeLessThanOrEqual(256 * 1024);
    expect(page.timeline.at(-1)?.text).toMatch(/^39 /);
    const before = await read(inc.id, page.earlier ?? undefined);
    expect(seqs([...before.timeline, ...page.timeline])).toEqual(
      range(before.timeline[0]!.seq, page.timeline.at(-1)!.seq),
    );
  });
});

describe('the live room after a storm', () => {
  const isSnapshot = (m: ServerMessage): m is Extract<ServerMessage, { type: 'snapshot' }> =>
    m.type === 'snapshot';

  it('greets a new viewer with the newest page, acknowledgement included, and the cursor for earlier entries', async () => {
    const live = await LiveClient.connect(stormId, ana.auth);
    const snap = await live.waitFor(isSnapshot);
    live.close();
    const lastSeq = snap.incident.lastSeq;
    expect(seqs(snap.timeline)).toEqual(range(lastSeq - 499, lastSeq));
    expect(snap.timeline.find((e) => e.seq === ackSeq)?.kind).toBe('acknowledged');
    expect(snap).toMatchObject({ earlier: lastSeq - 499, more: false });
  });

  it('gives a viewer resuming with since=N every entry after N, in order, in pages of at most 500, then live events', async () => {
    const live = await LiveClient.connect(stormId, ana.auth, 5);
    const snap = await live.waitFor(isSnapshot);
    await live.waitFor((m) => (m.type === 'snapshot' || m.type === 'backlog') && !m.more, 15_000);
    await command(ana, stormId, 'notes', { text: 'still digging' });
    const note = await live.waitFor((m) => m.type === 'event' && m.entry.text === 'still digging');
    live.close();
    const pages = live.messages.flatMap((m) =>
      m.type === 'snapshot' || m.type === 'backlog' ? [m.timeline] : [],
    );
    expect(pages.length).toBeGreaterThanOrEqual(20);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(500);
    expect(seqs(pages.flat())).toEqual(range(6, snap.incident.lastSeq));
    expect(live.messages.indexOf(note)).toBeGreaterThan(
      live.messages.findLastIndex((m) => m.type === 'backlog'),
    );
  });
});
