/**
 * Event rules: conditions over the normalized alert choose what happens to it (page, route, suppress, drop) and
 * actions change it (severity, title, labels, dedup key). The save check refuses what would never work. Plain
 * Node: the evaluator and the check are pure.
 */
import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../schema/alert';
import type { Condition, RuleInput, RuleSet } from '../../schema/rule-schemas';
import { MATCH_INPUT_MAX, ruleSetSchema } from '../../schema/rule-schemas';
import { ruleErrors } from '../../worker/rules/check';
import { applyRules, compileRules } from '../../worker/rules/evaluate';

const alert = (over: Partial<AlertEvent> = {}): AlertEvent => ({
  action: 'trigger',
  dedupKey: 'db-1/disk',
  alertKey: 'db-1/disk',
  summary: 'Disk almost full on db-1',
  truncated: false,
  severity: 'warning',
  source: 'db-1.eu-west',
  details: { host: 'db-1', disk: { mount: '/var', used: 93 }, tags: ['prod', 'db'] },
  labels: { alertname: 'DiskFull', team: 'dba', severity: 'page', empty: '' },
  annotations: { runbook: 'https://wiki.example.com/disk' },
  links: [],
  ...over,
});
const ctx = { integrationType: 'alertmanager' };

/** Rules as an admin sends them, parsed by the wire schema (defaults filled in). */
const parse = (list: RuleInput[]) => ruleSetSchema.parse({ rules: list }).rules;
const run = (list: RuleInput[], a: AlertEvent = alert()) =>
  applyRules(compileRules(parse(list)), a, ctx);

/** One rule that pages a note when `condition` holds: whether it matched the alert. */
async function holds(condition: Condition, a: AlertEvent = alert()): Promise<boolean> {
  const out = await run(
    [{ id: 'r', name: 'r', condition, actions: [{ type: 'add_note', text: 'hit' }] }],
    a,
  );
  return out.matched.length === 1;
}

describe('conditions: each operator', () => {
  it('equals compares the exact text (case matters), numbers as written', async () => {
    expect(await holds({ field: 'labels.team', op: 'equals', value: 'dba' })).toBe(true);
    expect(await holds({ field: 'labels.team', op: 'equals', value: 'DBA' })).toBe(false);
    expect(await holds({ field: 'details.disk.used', op: 'equals', value: '93' })).toBe(true);
    expect(await holds({ field: 'labels.missing', op: 'equals', value: '' })).toBe(false);
  });

  it('not_equals holds for other text and for a field the alert does not have', async () => {
    expect(await holds({ field: 'severity', op: 'not_equals', value: 'critical' })).toBe(true);
    expect(await holds({ field: 'severity', op: 'not_equals', value: 'warning' })).toBe(false);
    expect(await holds({ field: 'labels.missing', op: 'not_equals', value: 'x' })).toBe(true);
  });

  it('contains ignores case', async () => {
    expect(await holds({ field: 'summary', op: 'contains', value: 'ALMOST FULL' })).toBe(true);
    expect(await holds({ field: 'summary', op: 'contains', value: 'memory' })).toBe(false);
    expect(await holds({ field: 'labels.missing', op: 'contains', value: '' })).toBe(false);
  });

  it('matches runs an RE2 expression anywhere in the text, (?i) for case', async () => {
    expect(await holds({ field: 'summary', op: 'matches', value: 'on db-[0-9]+$' })).toBe(true);
    expect(await holds({ field: 'summary', op: 'matches', value: '^on db' })).toBe(false);
    expect(await holds({ field: 'summary', op: 'matches', value: '(?i)^disk ALMOST' })).toBe(true);
    expect(await holds({ field: 'details.disk.used', op: 'matches', value: '^9\\d$' })).toBe(true);
  });

  it('matches reads only the first 16 KB of a long text', async () => {
    const long = alert({ details: { log: `${'x'.repeat(MATCH_INPUT_MAX)}needle` } });
    expect(await holds({ field: 'details.log', op: 'matches', value: 'needle' }, long)).toBe(false);
    expect(await holds({ field: 'details.log', op: 'contains', value: 'needle' }, long)).toBe(true);
  });

  it('exists holds for a field with a value, not for a missing or empty one', async () => {
    expect(await holds({ field: 'labels.team', op: 'exists' })).toBe(true);
    expect(await holds({ field: 'details.disk.mount', op: 'exists' })).toBe(true);
    expect(await holds({ field: 'details.disk', op: 'exists' })).toBe(true);
    expect(await holds({ field: 'labels.missing', op: 'exists' })).toBe(false);
    expect(await holds({ field: 'labels.empty', op: 'exists' })).toBe(false);
    expect(await holds({ field: 'source', op: 'exists' }, alert({ source: undefined }))).toBe(
      false,
    );
  });

  it('in holds when the text is one of the list', async () => {
    expect(await holds({ field: 'severity', op: 'in', value: ['error', 'warning'] })).toBe(true);
    expect(await holds({ field: 'severity', op: 'in', value: ['critical'] })).toBe(false);
    expect(await holds({ field: 'labels.missing', op: 'in', value: ['x'] })).toBe(false);
  });

  it('reads the integration type, dedup key, source, annotations and list items in details', async () => {
    expect(await holds({ field: 'integration', op: 'equals', value: 'alertmanager' })).toBe(true);
    expect(await holds({ field: 'dedup_key', op: 'equals', value: 'db-1/disk' })).toBe(true);
    expect(await holds({ field: 'source', op: 'contains', value: 'EU-WEST' })).toBe(true);
    expect(await holds({ field: 'annotations.runbook', op: 'matches', value: '^https://' })).toBe(
      true,
    );
    expect(await holds({ field: 'details.tags.1', op: 'equals', value: 'db' })).toBe(true);
  });
});

describe('conditions: all and any', () => {
  const prodDb: Condition = {
    all: [
      { field: 'labels.team', op: 'equals', value: 'dba' },
      {
        any: [
          { field: 'source', op: 'contains', value: 'staging' },
          { all: [{ field: 'details.tags.0', op: 'equals', value: 'prod' }] },
        ],
      },
    ],
  };

  it('all holds when every part holds, any when one does, nested', async () => {
    expect(await holds(prodDb)).toBe(true);
    expect(await holds(prodDb, alert({ details: { tags: ['dev'] } }))).toBe(false);
    expect(await holds(prodDb, alert({ labels: { team: 'web' } }))).toBe(false);
    expect(await holds(prodDb, alert({ details: { tags: ['dev'] }, source: 'db-1.staging' }))).toBe(
      true,
    );
  });
});

describe('actions', () => {
  const rule = (actions: RuleInput['actions'], extra: Partial<RuleInput> = {}): RuleInput => ({
    id: 'rule-1',
    name: 'Disk alerts',
    condition: { field: 'labels.alertname', op: 'equals', value: 'DiskFull' },
    actions,
    ...extra,
  });

  it('with no rule matching, the alert pages unchanged', async () => {
    const a = alert({ labels: { alertname: 'CPU' } });
    const out = await run([rule([{ type: 'drop' }])], a);
    expect(out).toEqual({ alert: a, matched: [], verdict: 'page', notes: [] });
  });

  it('set_severity changes the severity', async () => {
    const out = await run([rule([{ type: 'set_severity', severity: 'critical' }])]);
    expect(out.alert.severity).toBe('critical');
    expect(out.verdict).toBe('page');
    expect(out.matched).toEqual([{ id: 'rule-1', name: 'Disk alerts' }]);
  });

  it('set_title renders a template over the alert fields', async () => {
    const out = await run([
      rule([
        {
          type: 'set_title',
          template: '{{ labels.alertname }} on {{ details.host }} ({{ $uppercase(severity) }})',
        },
      ]),
    ]);
    expect(out.alert.summary).toBe('DiskFull on db-1 (WARNING)');
    expect(out.notes).toEqual([]);
  });

  it('set_title longer than a summary may be is cut, and the alert says it was truncated', async () => {
    const out = await run([rule([{ type: 'set_title', template: `${'x'.repeat(2000)}` }])]);
    expect(out.alert.summary.length).toBeLessThanOrEqual(1024);
    expect(out.alert.truncated).toBe(true);
  });

  it('add_label adds a label whose value is a template', async () => {
    const out = await run([
      rule([{ type: 'add_label', name: 'owner', value: '{{ labels.team }}-oncall' }]),
    ]);
    expect(out.alert.labels).toMatchObject({ owner: 'dba-oncall', team: 'dba' });
  });

  it('add_note keeps the note for the incident', async () => {
    const out = await run([rule([{ type: 'add_note', text: 'Check the WAL volume first' }])]);
    expect(out.notes).toEqual(['Check the WAL volume first']);
    expect(out.verdict).toBe('page');
  });

  it('route sends the alert to another service', async () => {
    const out = await run([rule([{ type: 'route', service_id: 'svc-dba' }])]);
    expect(out.verdict).toEqual({ route: 'svc-dba' });
  });

  it('suppress records the alert without paging', async () => {
    const out = await run([rule([{ type: 'suppress' }])]);
    expect(out.verdict).toBe('suppress');
    expect(out.matched).toHaveLength(1);
  });

  it('drop discards the alert and no later rule runs, even with continue', async () => {
    const out = await run([
      rule([{ type: 'drop' }, { type: 'add_note', text: 'after drop' }], { continue: true }),
      rule([{ type: 'add_note', text: 'later rule' }], { id: 'rule-2' }),
    ]);
    expect(out.verdict).toBe('drop');
    expect(out.notes).toEqual([]);
    expect(out.matched.map((m) => m.id)).toEqual(['rule-1']);
  });

  it('set_dedup_key regroups the alert; it stays the same alert inside the incident', async () => {
    const out = await run([rule([{ type: 'set_dedup_key', template: 'disk/{{ details.host }}' }])]);
    expect(out.alert.dedupKey).toBe('disk/db-1');
    expect(out.alert.alertKey).toBe('db-1/disk');
  });

  it('set_dedup_key longer than a key may be becomes a stable hash', async () => {
    const out = await run([rule([{ type: 'set_dedup_key', template: 'k'.repeat(300) }])]);
    expect(out.alert.dedupKey).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('auto_resolve gives the minutes to wait without new alerts', async () => {
    const out = await run([rule([{ type: 'auto_resolve', after_minutes: 30 }])]);
    expect(out.autoResolveMinutes).toBe(30);
    expect(out.verdict).toBe('page');
  });

  it('actions run in order: a title set after a severity change sees the new severity', async () => {
    const out = await run([
      rule([
        { type: 'set_severity', severity: 'critical' },
        { type: 'set_title', template: '[{{ severity }}] {{ summary }}' },
      ]),
    ]);
    expect(out.alert.summary).toBe('[critical] Disk almost full on db-1');
  });

  it('the alert handed in is left as it was; the outcome carries the changed copy', async () => {
    const input = alert();
    const before = structuredClone(input);
    const out = await run(
      [
        rule([
          { type: 'set_severity', severity: 'critical' },
          { type: 'add_label', name: 'owner', value: 'dba' },
          { type: 'set_title', template: 'Disk' },
          { type: 'set_dedup_key', template: 'disk' },
        ]),
      ],
      input,
    );
    expect(input).toEqual(before);
    expect(out.alert).toMatchObject({ severity: 'critical', summary: 'Disk', dedupKey: 'disk' });
    expect(out.alert.labels?.owner).toBe('dba');
  });

  it('a template in a later rule reads a label an earlier rule added', async () => {
    const out = await run([
      rule([{ type: 'add_label', name: 'owner', value: '{{ labels.team }}-oncall' }], {
        continue: true,
      }),
      rule([{ type: 'set_title', template: '{{ labels.owner }}: {{ summary }}' }], {
        id: 'rule-2',
      }),
    ]);
    expect(out.alert.summary).toBe('dba-oncall: Disk almost full on db-1');
  });
});

describe('first match or continue', () => {
  const critical: RuleInput = {
    id: 'page-means-critical',
    name: 'severity=page is critical',
    condition: { field: 'labels.severity', op: 'equals', value: 'page' },
    actions: [{ type: 'set_severity', severity: 'critical' }],
  };
  const toDba: RuleInput = {
    id: 'critical-db',
    name: 'Critical database alerts to the DBAs',
    condition: {
      all: [
        { field: 'severity', op: 'equals', value: 'critical' },
        { field: 'labels.team', op: 'equals', value: 'dba' },
      ],
    },
    actions: [{ type: 'route', service_id: 'svc-dba' }],
  };

  it('the first rule that matches is the last one to run', async () => {
    const out = await run([
      critical,
      { ...toDba, condition: { field: 'labels.team', op: 'exists' } },
    ]);
    expect(out.matched.map((m) => m.id)).toEqual(['page-means-critical']);
    expect(out.verdict).toBe('page');
  });

  it('with continue, later rules run and see the changes earlier rules made', async () => {
    const out = await run([{ ...critical, continue: true }, toDba]);
    expect(out.matched.map((m) => m.id)).toEqual(['page-means-critical', 'critical-db']);
    expect(out.alert.severity).toBe('critical');
    expect(out.verdict).toEqual({ route: 'svc-dba' });
  });

  it('a quieter verdict wins: suppress from an earlier rule stands over a later route', async () => {
    const out = await run([
      {
        id: 'quiet',
        name: 'Quiet disk',
        condition: { field: 'labels.alertname', op: 'equals', value: 'DiskFull' },
        actions: [{ type: 'suppress' }],
        continue: true,
      },
      { ...toDba, condition: { field: 'labels.team', op: 'equals', value: 'dba' } },
    ]);
    expect(out.matched).toHaveLength(2);
    expect(out.verdict).toBe('suppress');
  });

  it('a disabled rule is skipped', async () => {
    const out = await run([
      { ...critical, enabled: false },
      {
        id: 'next',
        name: 'next',
        condition: { field: 'labels.team', op: 'exists' },
        actions: [{ type: 'add_note', text: 'next ran' }],
      },
    ]);
    expect(out.matched.map((m) => m.id)).toEqual(['next']);
    expect(out.alert.severity).toBe('warning');
  });
});

describe('a template that fails never loses the alert', () => {
  it('a placeholder with no value keeps the old title and says why in a note', async () => {
    const out = await run([
      {
        id: 'title',
        name: 'Title from instance',
        condition: { field: 'labels.team', op: 'exists' },
        actions: [
          { type: 'set_title', template: '{{ labels.instance }} is down' },
          { type: 'set_severity', severity: 'error' },
        ],
      },
    ]);
    expect(out.alert.summary).toBe('Disk almost full on db-1');
    expect(out.alert.severity).toBe('error');
    expect(out.verdict).toBe('page');
    expect(out.notes).toHaveLength(1);
    expect(out.notes[0]).toContain('rule "Title from instance" (title), set_title');
    expect(out.notes[0]).toContain('labels.instance');
    expect(out.notes[0]).toContain('kept the title');
  });

  it('a template that does not parse (saved before the check) keeps the dedup key', async () => {
    const out = await run([
      {
        id: 'key',
        name: 'Key',
        condition: { field: 'labels.team', op: 'exists' },
        actions: [{ type: 'set_dedup_key', template: '{{ details.host' }],
      },
    ]);
    expect(out.alert.dedupKey).toBe('db-1/disk');
    expect(out.notes[0]).toMatch(/no closing `}}`; kept the dedup key$/);
  });

  it('a failing label template adds no label', async () => {
    const out = await run([
      {
        id: 'label',
        name: 'Label',
        condition: { field: 'labels.team', op: 'exists' },
        actions: [
          { type: 'add_label', name: 'zone', value: '{{ $substring(details.host, "x") }}' },
        ],
      },
    ]);
    expect(out.alert.labels).not.toHaveProperty('zone');
    expect(out.notes).toHaveLength(1);
  });
});

describe('regular expressions run in linear time', () => {
  it('patterns that backtrack catastrophically elsewhere give the right answer on hostile text', async () => {
    const hostile = alert({ summary: `${'a'.repeat(1000)}!`, details: { s: 'x'.repeat(16_000) } });
    expect(await holds({ field: 'summary', op: 'matches', value: '^(a+)+$' }, hostile)).toBe(false);
    expect(await holds({ field: 'summary', op: 'matches', value: '^(a|aa)+!$' }, hostile)).toBe(
      true,
    );
    expect(await holds({ field: 'details.s', op: 'matches', value: '(x+x+)+y' }, hostile)).toBe(
      false,
    );
    expect(await holds({ field: 'details.s', op: 'matches', value: '(.*a){20}' }, hostile)).toBe(
      false,
    );
  });
});

describe('the wire schema names the bad part of a condition', () => {
  const issues = (condition: unknown) => {
    const r = ruleSetSchema.safeParse({
      rules: [{ id: 'r', name: 'r', condition, actions: [{ type: 'drop' }] }],
    });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('an unknown operator, an unknown field, a missing list for in', () => {
    expect(issues({ all: [{ field: 'summary', op: 'like', value: 'x' }] })[0]).toMatch(
      /^rules\.0\.condition\.all\.0\.op: /,
    );
    expect(issues({ field: 'hostname', op: 'exists' })).toEqual([
      expect.stringMatching(/^rules\.0\.condition\.field: unknown field `hostname`/),
    ]);
    expect(issues({ field: 'labels.team', op: 'in', value: 'dba' })).toEqual([
      'rules.0.condition.value: `in` needs a list of values',
    ]);
    expect(issues({ field: 'labels', op: 'exists' })[0]).toContain('`labels` needs a key');
  });

  it('a condition that is two things at once, or nested too deep', () => {
    expect(
      issues({ any: [{ field: 'summary', op: 'exists' }], field: 'summary', op: 'exists' })[0],
    ).toContain('exactly one of');
    expect(issues({})[0]).toContain('exactly one of');
    let deep: Condition = { field: 'summary', op: 'exists' };
    for (let i = 0; i < 5; i++) deep = { all: [deep] };
    expect(issues(deep)).toEqual([expect.stringContaining('nest at most 4 levels')]);
  });
});

describe('the save check', () => {
  const set = (list: RuleInput[]): RuleSet => ruleSetSchema.parse({ rules: list });
  const none = { serviceId: 'api', routesOf: () => [] };
  const base = (id: string, actions: RuleInput['actions'], condition?: Condition): RuleInput => ({
    id,
    name: id,
    condition: condition ?? { field: 'labels.team', op: 'exists' },
    actions,
  });

  it('accepts rules that can run', () => {
    expect(
      ruleErrors(
        set([
          base('a', [
            { type: 'set_title', template: '{{ $uppercase(labels.team) }}: {{ summary }}' },
          ]),
          base('b', [{ type: 'route', service_id: 'dba' }], {
            field: 'summary',
            op: 'matches',
            value: '(?i)^disk .* on db-\\d+',
          }),
        ]),
        none,
      ),
    ).toEqual([]);
  });

  it('refuses a pattern RE2 cannot run, naming where it is', () => {
    expect(
      ruleErrors(
        set([
          base('a', [{ type: 'drop' }], {
            any: [
              { field: 'summary', op: 'exists' },
              { field: 'summary', op: 'matches', value: 'disk(?!less)' },
            ],
          }),
        ]),
        none,
      ),
    ).toEqual([
      {
        path: 'rules.0.condition.any.1.value',
        message: expect.stringContaining('lookahead'),
      },
    ]);
  });

  it('refuses templates that do not parse or read fields an alert does not have', () => {
    const problems = ruleErrors(
      set([
        base('a', [{ type: 'set_title', template: '{{ summary +  }}' }]),
        base('b', [
          { type: 'add_label', name: 'team', value: '{{ labls.team }}' },
          { type: 'set_dedup_key', template: '{{ details.host }}/{{ $lowercase(hostname) }}' },
        ]),
      ]),
      none,
    );
    expect(problems.map((p) => p.path)).toEqual([
      'rules.0.actions.0.template',
      'rules.1.actions.0.value',
      'rules.1.actions.1.template',
    ]);
    expect(problems[1]?.message).toContain('unknown field `labls`');
    expect(problems[2]?.message).toContain('unknown field `hostname`');
  });

  it('refuses unknown fields and duplicate ids', () => {
    const raw = {
      rules: [
        base('a', [{ type: 'drop' }], { field: 'host', op: 'exists' }),
        base('a', [{ type: 'drop' }]),
      ],
    } as RuleSet;
    expect(ruleErrors(raw, none)).toEqual([
      {
        path: 'rules.0.condition.field',
        message: expect.stringContaining('unknown field `host`'),
      },
      { path: 'rules.1.id', message: 'duplicate id "a" (also rules.0.id)' },
    ]);
  });

  it('refuses routes that come back: to itself, A → B → A, and through a third service', () => {
    const graph: Record<string, string[]> = {
      dba: ['api'],
      storage: ['network'],
      network: ['api'],
      web: ['storage'],
      lonely: [],
    };
    const problems = ruleErrors(
      set([
        base('a', [
          { type: 'add_note', text: 'x' },
          { type: 'route', service_id: 'dba' },
        ]),
        base('b', [{ type: 'route', service_id: 'web' }]),
        base('c', [{ type: 'route', service_id: 'api' }]),
        base('d', [{ type: 'route', service_id: 'lonely' }]),
      ]),
      { serviceId: 'api', routesOf: (id) => graph[id] ?? [] },
    );
    expect(problems).toEqual([
      {
        path: 'rules.0.actions.1.service_id',
        message: expect.stringContaining('routing loop: api → dba → api'),
      },
      {
        path: 'rules.1.actions.0.service_id',
        message: expect.stringContaining('api → web → storage → network → api'),
      },
      {
        path: 'rules.2.actions.0.service_id',
        message: expect.stringContaining('api → api'),
      },
    ]);
  });
});

describe('the three examples in docs/rules.md', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
  const examples = [
    ...doc.slice(doc.indexOf('## Three examples')).matchAll(/```json\n([\s\S]*?)```/g),
  ].map((m) => JSON.parse(m[1] as string) as RuleInput);
  const [dba, noisy, page] = examples as [RuleInput, RuleInput, RuleInput];
  const ruleSet = ruleSetSchema.parse({ rules: [page, noisy, dba] });
  const judge = (a: AlertEvent) => applyRules(compileRules(ruleSet.rules), a, ctx);

  it('pass the save check', () => {
    expect(examples).toHaveLength(3);
    expect(ruleErrors(ruleSet, { serviceId: 'svc_api', routesOf: () => [] })).toEqual([]);
  });

  it('a Postgres alert with severity=page becomes critical, gets its title, and goes to the DBAs', async () => {
    const out = await judge(
      alert({
        labels: {
          alertname: 'PostgresDown',
          job: 'postgres',
          severity: 'page',
          instance: 'db-1:9187',
        },
      }),
    );
    expect(out.alert.severity).toBe('critical');
    expect(out.alert.summary).toBe('PostgresDown on db-1:9187');
    expect(out.alert.labels?.routed_from).toBe('alertmanager');
    expect(out.verdict).toEqual({ route: 'svc_dba' });
    expect(out.matched.map((m) => m.id)).toEqual(['page-is-critical', 'dba']);
  });

  it('the flapping ping check is dropped unless it is critical', async () => {
    const ping = alert({ source: 'ping-eu-3', summary: 'Ping timeout', labels: {} });
    expect((await judge(ping)).verdict).toBe('drop');
    expect((await judge({ ...ping, severity: 'critical' })).verdict).toBe('page');
  });

  it('without an instance label the title stays and a note says why', async () => {
    const out = await judge(alert({ labels: { alertname: 'HighCPU', severity: 'page' } }));
    expect(out.alert.severity).toBe('critical');
    expect(out.alert.summary).toBe('Disk almost full on db-1');
    expect(out.notes[0]).toContain('labels.instance');
    expect(out.verdict).toBe('page');
  });
});
