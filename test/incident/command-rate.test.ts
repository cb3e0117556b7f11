import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../schema/protocol';
import { setClock } from '../../worker/clock';
import { take } from '../../worker/incident/command-rate';
import { LiveClient, command, createUser, openIncident, timeline, type TestUser } from '../helpers';

let ana: TestUser;
let ben: TestUser;
let t = 0;
let restore: () => void;

beforeAll(async () => {
  ana = await createUser('Ana');
  ben = await createUser('Ben');
});
beforeEach(() => {
  t = Date.now();
  restore = setClock(() => t);
});
afterEach(() => restore());

type Result = Extract<ServerMessage, { type: 'result' }>;
const isResult = (m: ServerMessage): m is Result => m.type === 'result';

describe('command rate limit', () => {
  it('answers the 31st of 300 notes sent at once over one socket with rate-limited results, and takes commands again a second later', async () => {
    const inc = await openIncident(ana);
    const live = await LiveClient.connect(inc.id, ana.auth);
    for (let i = 0; i < 300; i += 1)
      live.send({ type: 'command', id: `n${i}`, command: { type: 'add_note', text: `note ${i}` } });
    // Refusals answer at once; accepted notes answer as they land, so wait for all 300 answers.
    await live.waitFor(() => live.messages.filter(isResult).length === 300, 20_000);
    const results = live.messages.filter(isResult);
    expect(results.filter((r) => r.ok)).toHaveLength(30);
    const refused = results.filter((r): r is Extract<Result, { ok: false }> => !r.ok);
    expect(refused).toHaveLength(270);
    expect(refused[0]?.problem).toMatchObject({
      status: 429,
      code: 'rate-limited',
      detail: expect.stringMatching(/10 a second/),
    });

    t += 1000;
    live.send({
      type: 'command',
      id: 'later',
      command: { type: 'add_note', text: 'after a breath' },
    });
    expect(await live.waitFor((m) => isResult(m) && m.id === 'later')).toMatchObject({ ok: true });
    live.close();
    expect((await timeline(inc.id)).filter((e) => e.kind === 'note')).toHaveLength(31);
  });

  it('answers 429 problem+json with Retry-After over HTTP, counting each person on their own', async () => {
    const inc = await openIncident(ana);
    for (let i = 0; i < 30; i += 1)
      expect((await command(ana, inc.id, 'notes', { text: `n${i}` })).status).toBe(200);
    const over = await command(ana, inc.id, 'notes', { text: 'one too many' });
    expect(over.status).toBe(429);
    expect(over.headers.get('content-type')).toBe('application/problem+json');
    expect(over.headers.get('retry-after')).toBe('1');
    expect(await over.json()).toMatchObject({ code: 'rate-limited', retryAfter: 1 });
    expect((await command(ben, inc.id, 'notes', { text: 'Ben is not Ana' })).status).toBe(200);
    t += 100;
    expect((await command(ana, inc.id, 'notes', { text: 'one token back' })).status).toBe(200);
  });

  it('refills ten tokens a second up to a burst of thirty', () => {
    let bucket = take(undefined, 0).bucket;
    expect(bucket.tokens).toBe(29);
    for (let i = 0; i < 29; i += 1) bucket = take(bucket, 0).bucket;
    const empty = take(bucket, 0);
    expect(empty).toMatchObject({ allowed: false, retryAfterMs: 100 });
    expect(take(empty.bucket, 100).allowed).toBe(true);
    expect(take(empty.bucket, 60_000).bucket.tokens).toBe(29);
  });
});
