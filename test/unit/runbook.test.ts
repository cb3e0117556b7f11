import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../schema/incident';
import { foldRunbook, withTicks } from '../../schema/runbook';
import { bodyLinks, linkProblem } from '../../schema/runbook-schemas';
import { decideTick, renderLink } from '../../worker/incident/runbook-steps';

const ada = { kind: 'user' as const, id: 'usr_ada', name: 'Ada' };
const attached: TimelineEntry = {
  seq: 2,
  kind: 'runbook_attached',
  at: 1_000,
  actor: { kind: 'system', id: 'firebell', name: 'Firebell' },
  text: 'Runbook attached: Failover (2 steps)',
  data: {
    runbookId: 'rb_1',
    name: 'Failover',
    body: '',
    steps: [{ text: 'Check lag' }, { text: 'Fail over the primary' }],
  },
};
const tick = (seq: number, step: number, done: boolean): TimelineEntry => ({
  seq,
  kind: 'runbook_step',
  at: seq * 1_000,
  actor: ada,
  text: '',
  data: { step, done, userId: ada.id, text: '' },
});

describe('runbook links', () => {
  it('fills placeholders from the alert, URL-encoded, so a value cannot change the host or path', async () => {
    expect(
      await renderLink('https://grafana.example/d/db?host={{ labels.host }}', {
        labels: { host: 'db-1 west/a?x=1#y' },
      }),
    ).toBe('https://grafana.example/d/db?host=db-1%20west%2Fa%3Fx%3D1%23y');
  });

  it('drops a link whose placeholder has no value', async () => {
    expect(
      await renderLink('https://g.example/{{ labels.region }}', { labels: {} }),
    ).toBeUndefined();
  });

  it('accepts only http(s) links with a host written out before any placeholder', () => {
    expect(linkProblem('https://g.example/{{ labels.host }}')).toBeUndefined();
    for (const bad of [
      'javascript:alert(1)',
      'data:text/html,x',
      '{{ details.url }}',
      'https://{{ labels.host }}/x',
      'ftp://x',
    ])
      expect(linkProblem(bad), bad).toBeDefined();
  });

  it('finds the link targets in Markdown, placeholders and all', () => {
    expect(
      bodyLinks('See [dash](https://g.example/?h={{ labels.host }}) and <javascript:alert(1)>.'),
    ).toEqual(['https://g.example/?h={{ labels.host }}', 'javascript:alert(1)']);
  });
});

describe('runbook steps on the timeline', () => {
  it('folds ticks in order: the last tick of a step wins and an untick clears who and when', () => {
    const runbook = foldRunbook([tick(5, 1, false), tick(3, 1, true), attached, tick(4, 2, true)]);
    expect(runbook?.steps.map((s) => [s.number, s.done, s.by?.name ?? null, s.at])).toEqual([
      [1, false, null, null],
      [2, true, 'Ada', 4_000],
    ]);
  });

  it('brings a checklist read earlier up to date with the ticks a live view holds, applying one twice harmlessly', () => {
    const read = foldRunbook([attached, tick(3, 1, true)])!;
    const live = withTicks(read, [tick(3, 1, true), tick(4, 2, true), tick(4, 2, true)]);
    expect(live.steps.map((s) => s.done)).toEqual([true, true]);
    expect(read.steps.map((s) => s.done)).toEqual([true, false]);
  });

  it('writes “Ada completed step 2: …” once, and nothing for a tick that is already so', () => {
    const first = decideTick([attached], { type: 'tick_step', step: 2, done: true }, ada);
    expect(first.ok && first.entry?.text).toBe('Ada completed step 2: Fail over the primary');
    const again = decideTick(
      [attached, tick(3, 2, true)],
      { type: 'tick_step', step: 2, done: true },
      ada,
    );
    expect(again).toEqual({ ok: true, entry: null });
    expect(decideTick([attached], { type: 'tick_step', step: 3, done: true }, ada)).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(decideTick([], { type: 'tick_step', step: 1, done: true }, ada)).toMatchObject({
      ok: false,
      status: 409,
    });
  });
});
