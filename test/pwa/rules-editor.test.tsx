import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { RulesEditor } from '../../pwa/src/components/admin/rules-editor';
import { SuppressedAlerts } from '../../pwa/src/components/admin/suppressed-alerts';
import type { Rule, RulesPreviewResult } from '../../pwa/src/lib/rules-api';
import { errorsByRule, fromForm, toForm } from '../../pwa/src/lib/rules-form';
import type { Service } from '../../pwa/src/lib/types';
import { json, stubFetch } from './fakes';

/** The preview waits for a pause in typing (400 ms): leave room for it on a busy machine. */
const DEBOUNCED = { timeout: 5_000 };
const RECEIVED = Date.now();
const BASE = '/api/services/svc_web';
const web: Service = { id: 'svc_web', name: 'Web', description: '', policyId: null, createdAt: 0 };
const dba: Service = { id: 'svc_dba', name: 'DBA', description: '', policyId: null, createdAt: 0 };

const quietNoisy: Rule = {
  id: 'noisy',
  name: 'Quiet the noisy check',
  enabled: true,
  condition: { all: [{ field: 'summary', op: 'contains', value: 'noisy' }] },
  actions: [{ type: 'suppress' }],
  continue: false,
};

/** A server that judges two recorded alerts by the first rule's `contains` value, as the router would. */
function previewOf(rules: Rule[]): { results: RulesPreviewResult[] } {
  const needle = (() => {
    const c = rules[0]?.condition;
    const test = c && 'all' in c ? c.all[0] : undefined;
    return test && 'value' in test && typeof test.value === 'string' ? test.value : null;
  })();
  const alert = (summary: string) => {
    const hit = needle !== null && summary.toLowerCase().includes(needle.toLowerCase());
    const base = { summary, severity: 'error', dedupKey: summary };
    return {
      before: base,
      alert: base,
      matched: hit ? [{ id: rules[0]!.id, name: rules[0]!.name }] : [],
      outcome: hit ? ('suppressed' as const) : ('passed' as const),
      notes: [],
    };
  };
  return {
    results: ['Disk full on db-1', 'noisy ping flapped'].map((summary, i) => ({
      receivedAt: RECEIVED - 60_000 * (i + 1),
      integrationId: 'int_am',
      integrationName: 'Alertmanager',
      integrationType: 'alertmanager',
      error: null,
      notes: [],
      alerts: [alert(summary)],
    })),
  };
}

function editor(rules: Rule[] = [quietNoisy]) {
  render(<RulesEditor service={web} services={[web, dba]} rules={rules} onSaved={() => {}} />);
}

describe('the rules editor', () => {
  it(
    'shows per recent payload the verdict and the rules matched, and follows an edited value',
    { timeout: 15_000 },
    async () => {
      const calls = stubFetch({
        [`POST ${BASE}/rules/preview`]: ({ body }) =>
          json(previewOf((body as { rules: Rule[] }).rules)),
      });
      editor();
      const preview = screen.getByRole('region', { name: 'Test against the last 20 payloads' });
      const noisy = (await within(preview).findByText('noisy ping flapped', {}, DEBOUNCED))
        .parentElement!;
      within(noisy).getByText('suppressed');
      within(noisy).getByText('Matched: Quiet the noisy check');
      const real = within(preview).getByText('Disk full on db-1').parentElement!;
      within(real).getByText('paged');
      within(real).getByText('No rule matched');

      fireEvent.input(screen.getByLabelText('Value'), { target: { value: 'disk' } });
      await within(within(preview).getByText('Disk full on db-1').parentElement!).findByText(
        'suppressed',
        {},
        DEBOUNCED,
      );
      expect(calls.at(-1)?.body).toEqual({
        rules: [
          {
            ...quietNoisy,
            condition: { all: [{ field: 'summary', op: 'contains', value: 'disk' }] },
          },
        ],
      });
    },
  );

  it('puts each error of a refused save next to the test or action its path names', async () => {
    stubFetch({
      [`POST ${BASE}/rules/preview`]: ({ body }) =>
        json(previewOf((body as { rules: Rule[] }).rules)),
      [`PUT ${BASE}/rules`]: () =>
        new Response(
          JSON.stringify({
            type: 'https://firebell.dev/problems/validation',
            status: 400,
            detail: 'rules.0.condition.all.0.value: …',
            errors: [
              { path: 'rules.0.condition.all.0.value', message: 'an empty regular expression' },
              { path: 'rules.0.actions.0.service_id', message: 'no service svc_gone' },
            ],
          }),
          { status: 400, headers: { 'content-type': 'application/problem+json' } },
        ),
    });
    editor();
    fireEvent.click(screen.getByRole('button', { name: 'Save rules' }));
    const test = screen.getByRole('group', { name: 'Test 1' });
    await within(test).findByText('value: an empty regular expression');
    expect(within(test).getByLabelText('Value')).toHaveAttribute('aria-invalid', 'true');
    within(screen.getByRole('group', { name: 'Action 1' })).getByText(
      'service_id: no service svc_gone',
    );
  });

  it('adds, names, reorders and removes rules, and saves them in the order shown', async () => {
    const calls = stubFetch({
      [`POST ${BASE}/rules/preview`]: ({ body }) =>
        json(previewOf((body as { rules: Rule[] }).rules)),
      [`PUT ${BASE}/rules`]: ({ body }) => json({ ...(body as object), version: 2, updatedAt: 1 }),
    });
    editor();
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    // A rule without a name cannot be saved, and says so next to it.
    const second = screen.getByRole('group', { name: 'Rule 2' });
    within(second).getByText('name: give the rule a name');
    expect(screen.getByRole('button', { name: 'Save rules' })).toBeDisabled();

    fireEvent.input(within(second).getByLabelText('Rule name'), {
      target: { value: 'Database alerts to the DBAs' },
    });
    fireEvent.input(within(second).getByLabelText('Field'), { target: { value: 'labels.job' } });
    fireEvent.change(within(second).getByLabelText('Operator'), { target: { value: 'in' } });
    fireEvent.input(within(second).getByLabelText('Values (comma-separated)'), {
      target: { value: 'postgres, mysql' },
    });
    fireEvent.change(within(second).getByLabelText('Action'), { target: { value: 'route' } });
    fireEvent.change(within(second).getByLabelText('Route to'), { target: { value: 'svc_dba' } });
    // The route target list offers the other services, not this one.
    expect(within(within(second).getByLabelText('Route to')).queryByText('Web')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Move rule 2 up' }));
    screen.getByRole('group', { name: 'Rule 1: Database alerts to the DBAs' });

    fireEvent.click(screen.getByRole('button', { name: 'Save rules' }));
    await screen.findByText(/^Rules saved \(version 2\)/);
    const saved = calls.find((c) => c.method === 'PUT')?.body as { rules: Rule[] };
    expect(saved.rules.map((r) => r.name)).toEqual([
      'Database alerts to the DBAs',
      'Quiet the noisy check',
    ]);
    expect(saved.rules[0]).toMatchObject({
      condition: { all: [{ field: 'labels.job', op: 'in', value: ['postgres', 'mysql'] }] },
      actions: [{ type: 'route', service_id: 'svc_dba' }],
      enabled: true,
      continue: false,
    });

    fireEvent.click(screen.getByRole('button', { name: 'Remove rule 1' }));
    expect(screen.queryByRole('group', { name: /Database alerts/ })).toBeNull();
    screen.getByRole('group', { name: 'Rule 1: Quiet the noisy check' });
  });
});

describe('the rules editor, JSON condition', () => {
  it('turns the rows into JSON for a nested group, previews it, and goes back to rows only when flat', async () => {
    const calls = stubFetch({
      [`POST ${BASE}/rules/preview`]: ({ body }) =>
        json(previewOf((body as { rules: Rule[] }).rules)),
    });
    editor();
    fireEvent.click(screen.getByRole('button', { name: 'Edit as JSON' }));
    const text = screen.getByLabelText('Condition (JSON)');
    expect(JSON.parse((text as HTMLTextAreaElement).value)).toEqual(quietNoisy.condition);
    const nested = {
      any: [
        { field: 'summary', op: 'contains', value: 'noisy' },
        { all: [{ field: 'labels.job', op: 'equals', value: 'ping' }] },
      ],
    };
    fireEvent.input(text, { target: { value: JSON.stringify(nested) } });
    expect(screen.getByRole('button', { name: 'Edit as rows' })).toBeDisabled();
    await vi.waitFor(
      () => expect(calls.at(-1)?.body).toEqual({ rules: [{ ...quietNoisy, condition: nested }] }),
      DEBOUNCED,
    );

    fireEvent.input(text, { target: { value: '{"any": [' } });
    screen.getByText(/^condition: not JSON/);
    expect(screen.getByRole('button', { name: 'Save rules' })).toBeDisabled();

    fireEvent.input(text, {
      target: { value: '{"any": [{"field": "source", "op": "exists"}]}' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Edit as rows' }));
    expect(screen.getByLabelText('Matches when')).toHaveValue('any');
    expect(screen.getByLabelText('Field')).toHaveValue('source');
    expect(screen.getByLabelText('Operator')).toHaveValue('exists');
  });
});

describe('the rules form', () => {
  it('keeps nested conditions as JSON and round-trips every action', () => {
    const rule: Rule = {
      id: 'mix',
      name: 'Mixed',
      enabled: false,
      continue: true,
      condition: {
        any: [
          { field: 'labels.severity', op: 'equals', value: 'page' },
          { all: [{ field: 'details.host', op: 'exists' }] },
        ],
      },
      actions: [
        { type: 'set_severity', severity: 'critical' },
        { type: 'set_title', template: '{{ labels.instance }}: {{ summary }}' },
        { type: 'add_label', name: 'owner', value: '{{ labels.team }}' },
        { type: 'add_note', text: 'Check the replica' },
        { type: 'set_dedup_key', template: '{{ labels.alertname }}' },
        { type: 'auto_resolve', after_minutes: 30 },
        { type: 'drop' },
      ],
    };
    const form = toForm(rule);
    expect(form.mode).toBe('json');
    expect(fromForm([form])).toEqual({ rules: [rule], errors: {} });
  });

  it('places schema and save-check paths on the rule, test or action they name', () => {
    const forms = [toForm(quietNoisy)];
    expect(
      errorsByRule(
        [
          { path: 'rules.0.condition.all.0.op', message: 'bad op' },
          { path: 'rules.0.actions.0.service_id', message: 'no service x' },
          { path: 'rules.0.id', message: 'duplicate' },
          { path: 'rules', message: 'too many' },
        ],
        forms,
      ),
    ).toEqual({
      byKey: {
        '0.test.0': ['op: bad op'],
        '0.action.0': ['service_id: no service x'],
        '0': ['id: duplicate'],
      },
      general: ['rules: too many'],
    });
  });
});

describe('the suppressed alerts list', () => {
  it('lists what the rules suppressed, by which rules, and the drop counters', async () => {
    stubFetch({
      [`GET ${BASE}/suppressed`]: () =>
        json({
          suppressed: [
            {
              at: Date.now() - 120_000,
              summary: 'noisy ping flapped',
              severity: 'warning',
              source: null,
              dedupKey: 'k',
              integrationId: 'int_am',
              integrationName: 'Alertmanager',
              rules: [{ id: 'noisy', name: 'Quiet the noisy check' }],
            },
          ],
          drops: [{ ruleId: 'ping', name: 'Drop the ping check', count: 12, lastAt: Date.now() }],
        }),
    });
    render(<SuppressedAlerts serviceId="svc_web" reload={0} />);
    const list = await screen.findByRole('list', { name: 'Suppressed alerts' });
    within(list).getByText('noisy ping flapped');
    within(list).getByText(/Alertmanager · by Quiet the noisy check/);
    within(screen.getByRole('list', { name: 'Drop counters' })).getByText(/12 dropped/);
  });
});
