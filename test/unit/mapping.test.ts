/**
 * The custom-integration mapping engine as an admin meets it: a mapping and a monitor's body in, alert events and
 * the fallbacks used (notes) out. Plain Node: the engine is pure and runs the same in Workers.
 */
import { describe, expect, it } from 'vitest';
import type { Mapping } from '../../schema/mapping-schemas';
import { fallbackDedupKey } from '../../worker/adapters/normalize';
import { applyMapping, mappingFailed, NOTES_KEY } from '../../worker/mapping/apply';
import { mappingErrors } from '../../worker/mapping/check';
import {
  evaluate,
  MAX_DEPTH,
  MAX_INPUT_DEPTH,
  renderTemplate,
} from '../../worker/mapping/expression';

const ctx = { integrationName: 'Uptime Kuma' };

/** Uptime Kuma's webhook body, trimmed: heartbeat.status is 0 when down, 1 when up. */
const kumaBody = (status: 0 | 1) => ({
  heartbeat: { monitorID: 7, status, time: '2026-03-03 14:00:00', msg: 'timeout after 48000ms' },
  monitor: { id: 7, name: 'Checkout API', url: 'https://shop.example.com/health' },
  msg: `[Checkout API] [${status ? 'Up' : 'Down'}] timeout after 48000ms`,
});
const kuma: Mapping = {
  summary: '{{ monitor.name }} is {{ heartbeat.status = 1 ? "up" : "down" }}',
  action: { value: 'heartbeat.status', map: { '0': 'trigger', '1': 'resolve' } },
  severity: { value: '"critical"' },
  dedup_key: 'uptime-kuma-{{ monitor.id }}',
  links: 'monitor.url',
};

describe('value maps', () => {
  it('triggers on an Uptime Kuma heartbeat with status 0 and resolves on status 1, numbers matched as strings', async () => {
    const down = await applyMapping(kuma, kumaBody(0), ctx);
    const up = await applyMapping(kuma, kumaBody(1), ctx);
    expect(down.notes).toEqual([]);
    expect(down.events).toMatchObject([
      {
        action: 'trigger',
        summary: 'Checkout API is down',
        severity: 'critical',
        dedupKey: 'uptime-kuma-7',
        links: [{ href: 'https://shop.example.com/health' }],
      },
    ]);
    expect(up.events[0]).toMatchObject({ action: 'resolve', dedupKey: 'uptime-kuma-7' });
  });

  it('maps a Zabbix severity word through the map regardless of case', async () => {
    const mapping: Mapping = {
      summary: '{{ subject }}',
      severity: { value: 'severity', map: { disaster: 'critical', average: 'warning' } },
    };
    const result = await applyMapping(mapping, { subject: 'Disk full', severity: 'Average' }, ctx);
    expect(result.events[0]?.severity).toBe('warning');
    expect(result.notes).toEqual([]);
  });

  it('uses the default when the value is not in the map, and says so', async () => {
    const mapping: Mapping = {
      summary: '{{ subject }}',
      severity: { value: 'level', map: { disaster: 'critical' }, default: 'warning' },
    };
    const result = await applyMapping(mapping, { subject: 'x', level: 'loud' }, ctx);
    expect(result.events[0]?.severity).toBe('warning');
    expect(result.notes).toEqual([
      'severity: `level` gave "loud", which is not in the map; used the default warning',
    ]);
  });

  it('understands common severity and state words when no map or default covers them', async () => {
    const mapping: Mapping = {
      summary: 'x',
      severity: { value: 'level' },
      action: { value: 'state' },
    };
    const result = await applyMapping(mapping, { level: 'Warn', state: 'RESOLVED' }, ctx);
    expect(result.events[0]).toMatchObject({ severity: 'warning', action: 'resolve' });
    expect(result.notes).toEqual([]);
  });
});

describe('fallbacks never drop the event', () => {
  it('falls back to error severity when the field is missing, notes it and keeps the note on the alert', async () => {
    const mapping: Mapping = { summary: '{{ title }}', severity: { value: 'level' } };
    const result = await applyMapping(mapping, { title: 'Queue stuck' }, ctx);
    expect(result.events[0]?.severity).toBe('error');
    expect(result.notes).toEqual(['severity: no value at `level`; used error']);
    expect(result.events[0]?.details?.[NOTES_KEY]).toEqual(result.notes);
    expect(mappingFailed(result)).toBe(true);
  });

  it('titles an alert "Alert from <integration>" when the summary renders empty', async () => {
    const result = await applyMapping({ summary: '{{ title }}' }, { other: 1 }, ctx);
    expect(result.events[0]?.summary).toBe('Alert from Uptime Kuma');
    expect(result.notes).toEqual([
      'summary: no value at `title`',
      'summary: rendered empty; used "Alert from Uptime Kuma"',
    ]);
  });

  it('keys an alert by a hash of summary and source when the dedup key renders empty', async () => {
    const mapping: Mapping = { summary: 'Disk full', source: '{{ host }}', dedup_key: '{{ id }}' };
    const result = await applyMapping(mapping, { host: 'db-1' }, ctx);
    expect(result.events[0]?.dedupKey).toBe(await fallbackDedupKey('Disk full', 'db-1'));
    expect(result.notes).toContain('dedup_key: rendered empty; used a hash of summary and source');
  });

  it('triggers when the action expression fails, naming the failure', async () => {
    const mapping: Mapping = { summary: 'x', action: { value: '$number("up")' } };
    const result = await applyMapping(mapping, {}, ctx);
    expect(result.events[0]?.action).toBe('trigger');
    expect(result.notes[0]).toMatch(
      /^action\.value: expression `\$number\("up"\)` failed: .*; used trigger$/,
    );
  });

  it('still raises one alert from a body nested deeper than the engine reads', async () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < MAX_INPUT_DEPTH + 5; i++) deep = { deeper: deep };
    const result = await applyMapping({ summary: '{{ a }}' }, deep, ctx);
    expect(result.events).toHaveLength(1);
    expect(result.events[0]).toMatchObject({
      summary: 'Alert from Uptime Kuma',
      action: 'trigger',
    });
    expect(result.notes).toEqual([
      `body: it nests deeper than ${MAX_INPUT_DEPTH} levels; no expression ran`,
    ]);
  });
});

describe('list bodies', () => {
  const group = {
    status: 'firing',
    alerts: [
      { labels: { alertname: 'HighLatency', instance: 'a' }, status: 'firing' },
      { labels: { alertname: 'HighLatency', instance: 'b' }, status: 'resolved' },
    ],
  };
  const mapping: Mapping = {
    alerts: 'alerts',
    summary: '{{ labels.alertname }} on {{ labels.instance }} ({{ $body.status }})',
    action: { value: 'status' },
    dedup_key: '{{ labels.alertname }}-{{ labels.instance }}',
  };

  it('raises one alert per list element, each reading its own fields and the whole body as $body', async () => {
    const result = await applyMapping(mapping, group, ctx);
    expect(result.notes).toEqual([]);
    expect(result.events.map((e) => [e.summary, e.action, e.dedupKey])).toEqual([
      ['HighLatency on a (firing)', 'trigger', 'HighLatency-a'],
      ['HighLatency on b (firing)', 'resolve', 'HighLatency-b'],
    ]);
  });

  it('raises no alert for an empty list, and says so', async () => {
    const result = await applyMapping(mapping, { status: 'firing', alerts: [] }, ctx);
    expect(result.events).toEqual([]);
    expect(result.notes).toEqual(['alerts: `alerts` gave no items; no alert']);
    expect(mappingFailed(result)).toBe(true);
  });
});

describe('expression bounds', () => {
  it('stops a runaway recursion after its steps, quickly, and the alert still fires', async () => {
    const started = performance.now();
    const mapping: Mapping = {
      summary: 'Loop',
      severity: { value: '( $f := function($x){ $f($x+1) }; $f(0) )' },
    };
    const result = await applyMapping(mapping, {}, ctx);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result.events[0]?.severity).toBe('error');
    expect(result.notes[0]).toMatch(/stopped after 20,000 steps; used error$/);
  });

  it('refuses a huge range before building it', async () => {
    await expect(evaluate('[1..10000000]', {})).rejects.toThrow(
      'expression `[1..10000000]` stopped: a list longer than 100,000 items',
    );
  });

  it('stops a deep non-tail recursion at the depth bound', async () => {
    await expect(evaluate('( $f := function($x){ 1 + $f($x+1) }; $f(0) )', {})).rejects.toThrow(
      `stopped: nested deeper than ${MAX_DEPTH} levels`,
    );
  });
});

describe('templates', () => {
  it('renders missing values as empty and reports them, and objects as JSON', async () => {
    const rendered = await renderTemplate('{{ a }}|{{ b }}|{{ c }}', { a: 'x', c: { d: 1 } });
    expect(rendered).toEqual({ text: 'x||{"d":1}', notes: ['no value at `b`'] });
  });
});

describe('details', () => {
  it('keeps JSONata-built details as plain JSON that survives structured clone', async () => {
    const mapping: Mapping = {
      summary: 'x',
      details: '{ "tags": tags.$uppercase($), "f": function($x){ $x }, "n": missing }',
    };
    const result = await applyMapping(mapping, { tags: ['a', 'b'] }, ctx);
    expect(result.events[0]?.details).toEqual({ tags: ['A', 'B'] });
    expect(() => structuredClone(result.events)).not.toThrow();
  });
});

describe('checking a mapping on save', () => {
  it('names each field whose expression does not parse', () => {
    const errors = mappingErrors({
      summary: '{{ monitor.name }} {{ heartbeat.status + }}',
      severity: { value: 'level =' },
      links: 'monitor.url',
      dedup_key: '{{ id',
    });
    expect(errors).toEqual([
      expect.stringMatching(/^summary: expression `heartbeat.status \+` does not parse: /),
      expect.stringMatching(/^dedup_key: `\{\{` at character 1 has no closing `\}\}`$/),
      expect.stringMatching(/^severity.value: expression `level =` does not parse: /),
    ]);
    expect(mappingErrors(kuma)).toEqual([]);
  });
});
