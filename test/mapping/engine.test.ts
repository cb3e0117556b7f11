/**
 * The mapping engine inside workerd, where it runs for real: JSONata loads without eval, the step bound stops a
 * runaway although the clock stands still during CPU work, regular expressions run on RE2 in linear time, and
 * notes read the same as in Node.
 */
import { describe, expect, it } from 'vitest';
import type { Mapping } from '../../schema/mapping-schemas';
import { applyMapping } from '../../worker/mapping/apply';
import { mappingErrors } from '../../worker/mapping/check';

const ctx = { integrationName: 'Uptime Kuma' };
const kuma: Mapping = {
  summary: '{{ monitor.name }} is {{ heartbeat.status = 1 ? "up" : "down" }}',
  action: { value: 'heartbeat.status', map: { '0': 'trigger', '1': 'resolve' } },
  severity: { value: 'level' },
  dedup_key: 'uptime-kuma-{{ monitor.id }}',
  details: '{ "msg": heartbeat.msg, "tags": monitor.tags.name }',
};
const body = {
  heartbeat: { status: 0, msg: 'timeout' },
  monitor: { id: 7, name: 'Checkout API', tags: [{ name: 'prod' }, { name: 'eu' }] },
};

describe('the mapping engine in workerd', () => {
  it('maps an Uptime Kuma heartbeat to a trigger with cloneable details and its fallback noted', async () => {
    const result = await applyMapping(kuma, body, ctx);
    expect(result.events).toMatchObject([
      {
        action: 'trigger',
        summary: 'Checkout API is down',
        severity: 'error',
        dedupKey: 'uptime-kuma-7',
        details: {
          msg: 'timeout',
          tags: ['prod', 'eu'],
          firebell_mapping_notes: ['severity: no value at `level`; used error'],
        },
      },
    ]);
    expect(structuredClone(result.events)).toEqual(result.events);
  });

  it('stops a runaway recursion by counting steps, with the count written out', async () => {
    const result = await applyMapping(
      { summary: 'x', action: { value: '( $f := function($x){ $f($x+1) }; $f(0) )' } },
      {},
      ctx,
    );
    expect(result.events[0]?.action).toBe('trigger');
    expect(result.notes).toEqual([
      'action.value: expression `( $f := function($x){ $f($x+1) }; $f(0) )` stopped after 20,000 steps; used trigger',
    ]);
  });

  it('runs /(a+)+$/ on 30 000 "a"s and a "!" to its answer, where a backtracking engine would never finish', async () => {
    const result = await applyMapping(
      { summary: '{{ $contains(text, /(a+)+$/) ? "matched" : "no match" }}' },
      { text: `${'a'.repeat(30_000)}!` },
      ctx,
    );
    expect(result.events[0]?.summary).toBe('no match');
    expect(result.notes).toEqual([]);
  });

  it('refuses a lookbehind on save, naming the field and the pattern', () => {
    expect(mappingErrors({ summary: '{{ $replace(title, /(?<=\\[)P\\d/, "") }}' })).toEqual([
      expect.stringMatching(/^summary: .*`\/\(\?<=\\\[\)P\\d\/`.*lookbehind/),
    ]);
  });

  it('names the field of an expression that does not parse', () => {
    expect(mappingErrors({ summary: '{{ monitor.name + }}' })).toEqual([
      expect.stringMatching(/^summary: expression `monitor.name \+` does not parse: /),
    ]);
  });
});
