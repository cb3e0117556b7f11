/**
 * The custom-integration mapping engine as an admin meets it: a mapping and a monitor's body in, alert events and
 * the fallbacks used (notes) out. Plain Node: the engine is pure and runs the same in Workers.
 */
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import type { Mapping } from '../../schema/mapping-schemas';
import { fallbackDedupKey } from '../../worker/adapters/normalize';
import {
  applyMapping,
  BODY_STEPS,
  MAX_ALERTS,
  MAX_NOTES,
  mappingFailed,
  NOTES_KEY,
} from '../../worker/mapping/apply';
import { mappingErrors } from '../../worker/mapping/check';
import {
  compile,
  evaluate,
  MAX_DEPTH,
  MAX_INPUT_DEPTH,
  MAX_INPUT_NODES,
  MAX_PARTS,
  MAX_STEPS,
  MAX_TEXT,
  MAX_TEXT_BUILT,
  renderTemplate,
} from '../../worker/mapping/expression';

const ctx = { integrationName: 'Uptime Kuma' };
const json = (value: unknown) => (value === undefined ? 'undefined' : JSON.stringify(value));

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

describe('value maps, more', () => {
  it('matches a numeric Zabbix-style severity code against string keys', async () => {
    const mapping: Mapping = {
      summary: 'x',
      severity: { value: 'code', map: { '5': 'critical', '2': 'warning' } },
    };
    const result = await applyMapping(mapping, { code: 5 }, ctx);
    expect(result.events[0]?.severity).toBe('critical');
  });

  it('takes the default action for a state the map does not name, and notes the value it saw', async () => {
    const mapping: Mapping = {
      summary: 'x',
      action: {
        value: 'heartbeat.status',
        map: { '0': 'trigger', '1': 'resolve' },
        default: 'trigger',
      },
    };
    const result = await applyMapping(mapping, { heartbeat: { status: 2 } }, ctx);
    expect(result.events[0]?.action).toBe('trigger');
    expect(result.notes).toEqual([
      'action: `heartbeat.status` gave "2", which is not in the map; used the default trigger',
    ]);
  });

  it('falls back to error for a severity word nobody knows, naming the word', async () => {
    const result = await applyMapping(
      { summary: 'x', severity: { value: 'level' } },
      { level: 'spicy' },
      ctx,
    );
    expect(result.events[0]?.severity).toBe('error');
    expect(result.notes).toEqual([
      'severity: `level` gave "spicy", which is not a known severity; used error',
    ]);
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

describe('a clean mapping', () => {
  it('reports no failure for a preview when nothing fell back', async () => {
    const result = await applyMapping(kuma, kumaBody(0), ctx);
    expect(mappingFailed(result)).toBe(false);
    expect(result.events[0]?.details).toEqual(kumaBody(0));
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

  it('maps the whole body as one alert when the list expression fails', async () => {
    const result = await applyMapping({ ...mapping, alerts: '$count(1, 2, 3)' }, group, ctx);
    expect(result.events).toHaveLength(1);
    expect(result.notes[0]).toMatch(
      /^alerts: expression `\$count\(1, 2, 3\)` failed: .*; mapped the whole body as one alert$/,
    );
  });

  it('numbers each note by its alert when a body holds several', async () => {
    const result = await applyMapping(
      { alerts: 'items', summary: '{{ name }}' },
      { items: [{ name: 'a' }, {}] },
      ctx,
    );
    expect(result.notes).toEqual([
      'alert 2: summary: no value at `name`',
      'alert 2: summary: rendered empty; used "Alert from Uptime Kuma"',
    ]);
    expect(result.events[0]?.details?.[NOTES_KEY]).toBeUndefined();
  });

  it(`maps at most ${MAX_ALERTS} alerts from one body and says how many were left out`, async () => {
    const items = Array.from({ length: MAX_ALERTS + 5 }, (_, i) => ({ n: i }));
    const result = await applyMapping(
      { alerts: 'items', summary: 'n{{ n }}', dedup_key: '{{ n }}' },
      { items },
      ctx,
    );
    expect(result.events).toHaveLength(MAX_ALERTS);
    expect(result.notes).toEqual(['alerts: 1,005 items; mapped the first 1,000']);
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

  it('counts steps per body, so a runaway mapped at the same moment does not stop a healthy one', async () => {
    const runaway: Mapping = {
      summary: 'Loop',
      severity: { value: '( $f := function($x){ $f($x+1) }; $f(0) )' },
    };
    const [stopped, healthy] = await Promise.all([
      applyMapping(runaway, {}, ctx),
      applyMapping(kuma, kumaBody(0), ctx),
    ]);
    expect(stopped.notes[0]).toMatch(/stopped after 20,000 steps/);
    expect(healthy.notes).toEqual([]);
    expect(healthy.events[0]?.summary).toBe('Checkout API is down');
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
  it('stops an expression whose text grows past the bound', async () => {
    await expect(evaluate('$pad("", 2000000)', {})).rejects.toThrow(
      `stopped: text longer than ${MAX_TEXT.toLocaleString('en-US')} characters`,
    );
  });

  it('stops a value built by nesting one object in itself, before writing it out', async () => {
    const started = performance.now();
    await expect(
      evaluate(
        '( $d := function($o, $n){ $n = 0 ? $o : $d({"l": $o, "r": $o}, $n - 1) }; $string($d({}, 30)) )',
        {},
      ),
    ).rejects.toThrow(`stopped: a value of more than ${MAX_PARTS.toLocaleString('en-US')} parts`);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('names the bound a runaway inside $eval hit, not the wrapper error', async () => {
    await expect(
      evaluate(`$eval('( $f := function($x){ $f($x+1) }; $f(0) )')`, {}),
    ).rejects.toThrow(/stopped after 20,000 steps$/);
  });

  it('stops an expression building many long texts, each under the text bound', async () => {
    await expect(evaluate('[1..20].$pad("", 1000000) ~> $count()', {})).rejects.toThrow(
      `stopped: built more than ${MAX_TEXT_BUILT.toLocaleString('en-US')} characters of text`,
    );
  });

  it('refuses an input with more values than the bound before running', async () => {
    const big = { list: Array.from({ length: MAX_INPUT_NODES }, (_, i) => i) };
    await expect(evaluate('list[0]', big)).rejects.toThrow(
      'expression `list[0]` was not run: its input has more than 250,000 values',
    );
  });

  it('shares one step allowance across a whole body so a long list cannot multiply it', async () => {
    const runaways = Math.ceil(BODY_STEPS / MAX_STEPS) + 1;
    const result = await applyMapping(
      {
        alerts: 'items',
        summary: 'x',
        severity: { value: '( $f := function($x){ $f($x+1) }; $f(0) )' },
      },
      { items: Array.from({ length: runaways }, (_, i) => i) },
      ctx,
    );
    expect(result.events).toHaveLength(runaways);
    expect(result.notes.at(-1)).toMatch(
      /the steps allowed for the whole body ran out; used error$/,
    );
  });

  it('keeps at most the bounded number of notes, with a count of the rest', async () => {
    const summary = Array.from({ length: MAX_NOTES + 5 }, (_, i) => `{{ f${i} }}`).join(' ');
    const result = await applyMapping({ summary }, {}, ctx);
    expect(result.notes).toHaveLength(MAX_NOTES + 1);
    expect(result.notes.at(-1)).toBe('…and 6 more notes');
  });

  it('reads dotted paths exactly as JSONata does, arrays, nulls and missing fields included', async () => {
    const bodies: unknown[] = [
      { a: { b: 'x' } },
      { a: { b: null } },
      { a: { b: { c: 1 } } },
      { a: [{ b: 1 }, { b: 2 }] },
      { a: { b: [1, 2] } },
      { a: 'text' },
      { a: null },
      {},
      [{ a: { b: 3 } }],
      { a: { constructor: 2 } },
    ];
    for (const body of bodies)
      for (const path of ['a', 'a.b', 'a.b.c', 'a.constructor', 'a.toString']) {
        expect([path, json(await evaluate(path, body))]).toEqual([
          path,
          json(await jsonata(path).evaluate(body)),
        ]);
        const fromBody = `$body.${path}`;
        expect([fromBody, json(await evaluate(fromBody, 'item', { body }))]).toEqual([
          fromBody,
          json(await jsonata(fromBody).evaluate('item', { body })),
        ]);
      }
  });

  it('compiles each distinct expression once, however many bodies it maps', () => {
    expect(compile('monitor.name & "!"')).toBe(compile('monitor.name & "!"'));
  });
});

describe('templates', () => {
  it('renders missing values as empty and reports them, and objects as JSON', async () => {
    const rendered = await renderTemplate('{{ a }}|{{ b }}|{{ c }}', { a: 'x', c: { d: 1 } });
    expect(rendered).toEqual({ text: 'x||{"d":1}', notes: ['no value at `b`'] });
  });

  it('renders numbers as written and booleans as words, reading the whole body as $body', async () => {
    const rendered = await renderTemplate(
      '{{ 0.1 + 0.2 }} {{ up }} {{ $body.team }}',
      { up: false },
      { body: { team: 'payments' } },
    );
    expect(rendered).toEqual({ text: '0.3 false payments', notes: [] });
  });

  it('closes a placeholder at the first }} outside the braces and quotes its expression opened', async () => {
    const rendered = await renderTemplate('{{ {"a": {"b": "}}"}}.a.b }}!', {});
    expect(rendered.text).toBe('}}!');
  });

  it('renders a placeholder that fails as empty and says why', async () => {
    const rendered = await renderTemplate('[{{ $number("x") }}]', {});
    expect(rendered.text).toBe('[]');
    expect(rendered.notes[0]).toMatch(/^expression `\$number\("x"\)` failed: /);
  });
});

describe('time, links and images', () => {
  const when = Date.UTC(2026, 2, 3, 14, 0);
  it.each([
    ['epoch seconds', when / 1000],
    ['epoch milliseconds', when],
    ['epoch seconds as text', String(when / 1000)],
    ['ISO 8601', '2026-03-03T14:00:00Z'],
  ])('reads occurred_at given as %s', async (_, at) => {
    const result = await applyMapping({ summary: 'x', occurred_at: 'at' }, { at }, ctx);
    expect(result.events[0]?.occurredAt).toBe(when);
    expect(result.notes).toEqual([]);
  });

  it('leaves out an occurred_at that is not a time, with a note', async () => {
    const result = await applyMapping(
      { summary: 'x', occurred_at: 'at' },
      { at: 'yesterday' },
      ctx,
    );
    expect(result.events[0]?.occurredAt).toBeUndefined();
    expect(result.notes).toEqual([
      'occurred_at: "yesterday" is not epoch seconds, ms or an ISO 8601 time; left out',
    ]);
  });

  it('turns URL strings, {href, text} links and {src, href, alt} images into links', async () => {
    const result = await applyMapping(
      {
        summary: 'x',
        links: '[url, {"href": runbook, "text": "Runbook"}]',
        images: '[graph, {"src": snapshot, "href": dashboard, "alt": "CPU"}]',
      },
      {
        url: 'https://mon.example.com/check/1',
        runbook: 'https://wiki.example.com/rb',
        graph: 'https://img.example.com/g.png',
        snapshot: 'https://img.example.com/s.png',
        dashboard: 'https://grafana.example.com/d/1',
      },
      ctx,
    );
    expect(result.events[0]?.links).toEqual([
      { href: 'https://mon.example.com/check/1' },
      { href: 'https://wiki.example.com/rb', text: 'Runbook' },
      { href: 'https://img.example.com/g.png', text: 'Image' },
      { href: 'https://grafana.example.com/d/1', text: 'CPU' },
    ]);
    expect(result.notes).toEqual([]);
  });

  it('leaves out a link that is not an http(s) URL, and says which', async () => {
    const result = await applyMapping(
      { summary: 'x', links: '["javascript:alert(1)", "https://ok.example.com"]' },
      {},
      ctx,
    );
    expect(result.events[0]?.links).toEqual([{ href: 'https://ok.example.com' }]);
    expect(result.notes).toEqual([
      'links: left out 1 not an http(s) URL or {href, text}: "javascript:alert(1)"',
    ]);
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

  it('keeps a Datadog-style payload rebuilt by JSONata as plain, cloneable data', async () => {
    const body = {
      id: '1234',
      title: '[Triggered] CPU high',
      tags: 'env:prod,service:api',
      alert_transition: 'Triggered',
      hosts: [{ name: 'web-1' }, { name: 'web-2' }],
    };
    const mapping: Mapping = {
      summary: '{{ title }}',
      details:
        '{ "tags": $split(tags, ","), "hosts": hosts.name, "first": hosts[0], "upper": $uppercase }',
    };
    const result = await applyMapping(mapping, body, ctx);
    const details = result.events[0]?.details;
    expect(details).toEqual({
      tags: ['env:prod', 'service:api'],
      hosts: ['web-1', 'web-2'],
      first: { name: 'web-1' },
    });
    expect(structuredClone(details)).toEqual(details);
    expect(Object.keys(details?.hosts as object)).toEqual(['0', '1']);
  });

  it('keeps the whole item when the details expression fails, with one note saying so', async () => {
    const result = await applyMapping(
      { summary: 'x', details: '$number(a)', occurred_at: '$number(a)' },
      { a: 'one' },
      ctx,
    );
    expect(result.events[0]?.details).toMatchObject({ a: 'one' });
    expect(result.notes).toEqual([
      expect.stringMatching(/^occurred_at: expression `\$number\(a\)` failed: .*; left out$/),
      expect.stringMatching(
        /^details: expression `\$number\(a\)` failed: .*; kept the whole alert item$/,
      ),
    ]);
  });

  it('keeps text details as {text} and notes details that gave no value', async () => {
    const text = await applyMapping({ summary: 'x', details: 'message' }, { message: 'hi' }, ctx);
    expect(text.events[0]?.details).toEqual({ text: 'hi' });
    const none = await applyMapping({ summary: 'x', details: 'nothing' }, { a: 1 }, ctx);
    expect(none.events[0]?.details).toMatchObject({ a: 1 });
    expect(none.notes).toEqual(['details: no value at `nothing`; kept the whole alert item']);
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

  it('names an empty placeholder and each expression field', () => {
    expect(
      mappingErrors({
        summary: 'Down: {{ }}',
        action: { value: 'status in' },
        alerts: '[',
        occurred_at: 'time(',
        links: 'a b',
        images: '{',
        details: 'a.(',
        source: 'x',
      }).map((e) => e.split(':')[0]),
    ).toEqual(['summary', 'action.value', 'alerts', 'occurred_at', 'links', 'images', 'details']);
  });
});
