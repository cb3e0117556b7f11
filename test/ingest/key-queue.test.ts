import { describe, expect, it } from 'vitest';
import type { AlertAction, AlertEvent } from '../../schema/alert';
import type { Actor } from '../../schema/incident';
import { KeyQueue } from '../../worker/service/key-queue';

const monitor: Actor = { kind: 'integration', id: 'int_a', name: 'A' };
const other: Actor = { kind: 'integration', id: 'int_b', name: 'B' };
const event = (action: AlertAction, summary: string): AlertEvent => ({
  action,
  dedupKey: 'k',
  alertKey: 'k',
  summary,
  truncated: false,
  severity: 'info',
  links: [],
});

/** A queue whose work is released by hand, recording each batch it ran. */
function harness() {
  const batches: { key: string; summaries: string[]; actor: string }[] = [];
  const gates: (() => void)[] = [];
  const queue = new KeyQueue<number>(async (key, events, actor) => {
    batches.push({ key, summaries: events.map((e) => e.summary), actor: actor.id });
    await new Promise<void>((resolve) => gates.push(resolve));
    return batches.length;
  });
  const release = async () => {
    while (gates.length) (gates.shift() as () => void)();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { queue, batches, release };
}

describe('per-key queue', () => {
  it('runs the first request alone and coalesces the triggers that queued behind it into one batch', async () => {
    const { queue, batches, release } = harness();
    const results = [1, 2, 3, 4].map((n) =>
      queue.submit('k', [event('trigger', `t${n}`)], monitor),
    );
    await release();
    await release();
    expect(await Promise.all(results)).toEqual([1, 2, 2, 2]);
    expect(batches.map((b) => b.summaries)).toEqual([['t1'], ['t2', 't3', 't4']]);
  });

  it('runs an acknowledge or resolve on its own, in arrival order, so trigger → resolve → trigger keeps its meaning', async () => {
    const { queue, batches, release } = harness();
    const done = Promise.all([
      queue.submit('k', [event('trigger', 't1')], monitor),
      queue.submit('k', [event('trigger', 't2')], monitor),
      queue.submit('k', [event('resolve', 'r')], monitor),
      queue.submit('k', [event('trigger', 't3')], monitor),
      queue.submit('k', [event('trigger', 't4')], other),
    ]);
    for (let i = 0; i < 6; i++) await release();
    await done;
    expect(batches.map((b) => b.summaries)).toEqual([['t1'], ['t2'], ['r'], ['t3'], ['t4']]);
  });

  it('lets different keys run side by side', async () => {
    const { queue, batches, release } = harness();
    const done = Promise.all([
      queue.submit('a', [event('trigger', 'a')], monitor),
      queue.submit('b', [event('trigger', 'b')], monitor),
    ]);
    await new Promise((r) => setTimeout(r, 0));
    expect(batches.map((b) => b.key)).toEqual(['a', 'b']);
    await release();
    await done;
  });

  it('fails only the batch whose work threw and keeps serving the key', async () => {
    let calls = 0;
    const queue = new KeyQueue<string>(async (_key, events) => {
      calls += 1;
      if (calls === 1) throw new Error('incident object unavailable');
      return events.map((e) => e.summary).join(',');
    });
    const first = queue.submit('k', [event('trigger', 'one')], monitor);
    const second = queue.submit('k', [event('trigger', 'two')], monitor);
    await expect(first).rejects.toThrow('incident object unavailable');
    expect(await second).toBe('two');
    expect(await queue.submit('k', [event('trigger', 'three')], monitor)).toBe('three');
  });
});
