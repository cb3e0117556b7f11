import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { KEY_PLACEHOLDER, snippetsFor } from '../../pwa/src/lib/snippets';
import { AdminPage } from '../../pwa/src/pages/admin';
import type { ChangeEvent, Integration, Policy, Service } from '../../pwa/src/lib/types';
import { json, stubFetch } from './fakes';

const ORIGIN = 'https://firebell.example.com';
const T = Date.now() - 86_400_000;
const KEY = 'fbk_shown_once_0123456789';

const service: Service = {
  id: 'svc_pay',
  name: 'payments',
  description: '',
  policyId: null,
  createdAt: T,
};
const policy: Policy = {
  id: 'pol_1',
  name: 'Payments on-call',
  levels: [{ delayMinutes: 5, targets: [{ type: 'user', id: 'u_ann' }] }],
  repeat: 1,
  renotifyMinutes: null,
  services: [],
};

function integration(overrides: Partial<Integration> = {}): Integration {
  return {
    id: 'int_1',
    serviceId: 'svc_pay',
    type: 'alertmanager',
    name: 'Alertmanager',
    ratePerMinute: 120,
    signed: false,
    endpoint: `${ORIGIN}/hooks/alertmanager/{key}`,
    keyIn: 'in the URL, or as Authorization: Bearer <key>',
    mapping: null,
    preset: null,
    createdAt: T,
    revokedAt: null,
    ...overrides,
  };
}

function adminApi(
  opts: { services?: Service[]; integrations?: Integration[]; changes?: ChangeEvent[] } = {},
) {
  let services = opts.services ?? [service];
  let integrations = opts.integrations ?? [];
  const calls = stubFetch({
    'GET /api/services': () => json({ services }),
    'POST /api/services': ({ body }) => {
      const created = { ...service, id: 'svc_new', name: (body as { name: string }).name };
      services = [...services, created];
      return json({ service: created }, 201);
    },
    'GET /api/policies': () => json({ policies: [policy] }),
    'GET /api/schedules': () => json({ schedules: [] }),
    'GET /api/teams': () => json({ teams: [] }),
    'GET /api/users': () => json({ users: [{ id: 'u_ann', name: 'Ann', role: 'responder' }] }),
    'GET /api/services/svc_pay/changes': () => json({ changes: opts.changes ?? [] }),
    'GET /api/services/svc_pay/integrations': () =>
      json({
        integrations: integrations.map((i) => ({ ...i, recentPayloads: i.recentPayloads ?? [] })),
      }),
    'POST /api/services/svc_pay/integrations': ({ body }) => {
      const created = integration({ type: (body as { type: Integration['type'] }).type });
      integrations = [...integrations, created];
      return json({ ...created, key: KEY, url: created.endpoint.replace('{key}', KEY) }, 201);
    },
    'POST /api/services/svc_pay/integrations/int_1/rotate': () =>
      json({
        ...integration(),
        key: 'fbk_rotated',
        url: `${ORIGIN}/hooks/alertmanager/fbk_rotated`,
      }),
    'PUT /api/policies/pol_1/services/svc_pay': () =>
      json({ serviceId: 'svc_pay', policyId: 'pol_1' }),
    'POST /api/auth/invites': ({ body }) =>
      json(
        {
          url: `${ORIGIN}/join/inv_tok`,
          token: 'inv_tok',
          expiresAt: Date.now() + 7 * 86_400_000,
          role: (body as { role: string }).role,
        },
        201,
      ),
  });
  return calls;
}

async function openService(name: string) {
  const summary = await screen.findByText(name, { selector: 'summary strong' });
  fireEvent.click(summary);
  return summary.closest('li')!;
}

describe('the admin screen: services and integrations', () => {
  it('shows the Alertmanager snippet with the key right after the integration is created, and a placeholder once it is gone', async () => {
    adminApi();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue(undefined);
    render(<AdminPage />);
    const card = await openService('payments');
    await within(card).findByText('No integrations: nothing can page for this service yet.');

    fireEvent.change(within(card).getByRole('combobox', { name: 'Monitor' }), {
      target: { value: 'alertmanager' },
    });
    fireEvent.click(within(card).getByRole('button', { name: 'Add integration' }));

    expect(
      await within(card).findByText(/Firebell will not show this key again/),
    ).toBeInTheDocument();
    expect(within(card).getByLabelText('Alertmanager key')).toHaveValue(KEY);
    const yaml = within(card).getByLabelText('Alertmanager (alertmanager.yml)');
    expect(yaml.textContent).toContain(`url: '${ORIGIN}/hooks/alertmanager/${KEY}'`);
    fireEvent.click(
      within(card).getByRole('button', { name: 'Copy Alertmanager (alertmanager.yml)' }),
    );
    await vi.waitFor(() => expect(writeText).toHaveBeenCalledWith(yaml.textContent));
    expect(
      await within(card).findByText('Alertmanager (alertmanager.yml) copied'),
    ).toBeInTheDocument();

    // Another visit: the API never returns the key again, so neither does the screen.
    cleanup();
    render(<AdminPage />);
    const again = await openService('payments');
    const placeholder = await within(again).findByLabelText('Alertmanager (alertmanager.yml)');
    expect(placeholder.textContent).toContain(
      `url: '${ORIGIN}/hooks/alertmanager/${KEY_PLACEHOLDER}'`,
    );
    expect(within(again).queryByText(KEY, { exact: false })).toBeNull();
  });

  it('rotates a key after a second tap and shows the new one', async () => {
    const calls = adminApi({ integrations: [integration()] });
    render(<AdminPage />);
    const card = await openService('payments');
    const rotate = await within(card).findByRole('button', { name: 'Rotate key' });

    fireEvent.click(rotate);
    expect(calls.some((c) => c.url.pathname.endsWith('/rotate'))).toBe(false);
    fireEvent.click(
      within(card).getByRole('button', { name: 'Tap again: the old key stops working' }),
    );

    expect(await within(card).findByLabelText('Alertmanager key')).toHaveValue('fbk_rotated');
    expect(within(card).getByLabelText('Alertmanager (alertmanager.yml)').textContent).toContain(
      '/hooks/alertmanager/fbk_rotated',
    );
  });

  it('shows what each integration last received, folded away', async () => {
    adminApi({
      integrations: [
        integration({
          recentPayloads: [
            {
              receivedAt: Date.now() - 60_000,
              method: 'POST',
              contentType: 'application/json',
              userAgent: 'Alertmanager/0.25.0',
              bytes: 812,
              body: '{"status":"firing"}',
              truncated: false,
              outcome: 'rejected',
              detail: 'unsupported webhook payload version (expected "4")',
            },
          ],
        }),
      ],
    });
    render(<AdminPage />);
    const card = await openService('payments');
    const received = await within(card).findByText('Last received (1)');
    expect(received.closest('details')).not.toHaveAttribute('open');
    expect(
      within(card).getByText('unsupported webhook payload version (expected "4")'),
    ).toBeInTheDocument();
  });

  it('lists the service’s recent change events when its card is opened, with links back to the pipeline', async () => {
    const change = (
      id: string,
      summary: string,
      minutesAgo: number,
      extra: Partial<ChangeEvent> = {},
    ): ChangeEvent => ({
      id,
      serviceId: 'svc_pay',
      integrationId: 'int_pd',
      integrationName: 'Deploys',
      summary,
      source: null,
      at: Date.now() - minutesAgo * 60_000,
      receivedAt: Date.now() - minutesAgo * 60_000,
      details: null,
      links: [],
      ...extra,
    });
    const calls = adminApi({
      changes: [
        change('chg_2', 'Deploy payments v42', 5, {
          source: 'ci-runner-7',
          links: [
            { href: 'https://ci.example.com/42', text: 'Build 42' },
            { href: 'javascript:alert(1)', text: 'evil' },
          ],
        }),
        change('chg_1', 'Raise pool size to 40', 90),
      ],
    });
    render(<AdminPage />);
    expect(calls.some((c) => c.url.pathname.endsWith('/changes'))).toBe(false);
    const card = await openService('payments');
    const section = (await within(card).findByRole('heading', { name: 'Recent changes' })).closest(
      'section',
    )!;
    expect(
      within(section)
        .getAllByRole('listitem')
        .map((li) => li.querySelector('.alert-summary')?.textContent),
    ).toEqual(['Deploy payments v42', 'Raise pool size to 40']);
    expect(within(section).getByText('ci-runner-7')).toBeInTheDocument();
    expect(within(section).getAllByText('via Deploys')).toHaveLength(2);
    expect(within(section).getByRole('link', { name: 'Build 42 ↗' })).toHaveAttribute(
      'href',
      'https://ci.example.com/42',
    );
    expect(within(section).queryByRole('link', { name: /evil/ })).toBeNull();
  });

  it('says how to send change events when a service has none yet', async () => {
    adminApi();
    render(<AdminPage />);
    const card = await openService('payments');
    expect(
      await within(card).findByText(/No change events yet\..*\/v2\/change\/enqueue/),
    ).toBeInTheDocument();
  });

  it('creates a service and attaches an escalation policy to it', async () => {
    const calls = adminApi();
    render(<AdminPage />);
    fireEvent.input(await screen.findByLabelText('New service name'), {
      target: { value: 'search' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Create service' }));
    expect(await screen.findByText(/Service “search” created/)).toBeInTheDocument();
    expect(
      calls.find((c) => c.method === 'POST' && c.url.pathname === '/api/services')!.body,
    ).toEqual({ name: 'search' });

    const card = await openService('payments');
    fireEvent.change(
      within(card).getByRole('combobox', { name: 'Escalation policy for payments' }),
      { target: { value: 'pol_1' } },
    );
    fireEvent.click(within(card).getByRole('button', { name: 'Save policy' }));
    expect(
      await within(card).findByText('Payments on-call now pages for payments.'),
    ).toBeInTheDocument();
  });
});

describe('the admin screen: people', () => {
  it('makes an invite link for the chosen role, ready to copy', async () => {
    const calls = adminApi();
    render(<AdminPage />);
    fireEvent.click(await screen.findByRole('button', { name: 'People' }));
    fireEvent.click(await screen.findByRole('radio', { name: /Admin/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Create invite link' }));

    expect(await screen.findByLabelText('Invite link')).toHaveValue(`${ORIGIN}/join/inv_tok`);
    expect(screen.getByRole('button', { name: 'Copy Invite link' })).toBeInTheDocument();
    expect(calls.find((c) => c.url.pathname === '/api/auth/invites')!.body).toEqual({
      role: 'admin',
    });
  });
});

describe('configuration snippets', () => {
  it('gives PagerDuty senders the events URL, the routing key and a pagerduty_configs receiver', () => {
    const pd = snippetsFor(
      { type: 'pagerduty', name: 'PD', endpoint: `${ORIGIN}/v2/enqueue` },
      'R0UTING',
    );
    expect(pd.map((s) => s.title)).toEqual([
      'PagerDuty-compatible events URL',
      'Routing key (integration key)',
      'Alertmanager pagerduty_configs',
      'Test with curl',
    ]);
    expect(pd[2]!.text).toContain(`url: '${ORIGIN}/v2/enqueue'`);
    expect(pd[2]!.text).toContain("routing_key: 'R0UTING'");
  });

  it('gives Opsgenie senders the API URL and GenieKey, with an opsgenie_configs receiver', () => {
    const og = snippetsFor({ type: 'opsgenie', name: 'OG', endpoint: ORIGIN }, null);
    expect(og[0]!.text).toBe(ORIGIN);
    expect(og[2]!.text).toContain(`api_url: '${ORIGIN}/'`);
    expect(og[2]!.text).toContain(`api_key: '${KEY_PLACEHOLDER}'`);
    expect(og.every((s) => s.ready === s.title.startsWith('Opsgenie API URL'))).toBe(true);
  });

  it('gives Grafana the contact point URL and generic senders a curl line', () => {
    expect(
      snippetsFor(
        { type: 'grafana', name: 'G', endpoint: `${ORIGIN}/hooks/grafana/{key}` },
        'k1',
      )[0]!.text,
    ).toBe(`${ORIGIN}/hooks/grafana/k1`);
    expect(
      snippetsFor(
        { type: 'generic', name: 'curl', endpoint: `${ORIGIN}/hooks/generic/{key}` },
        'k2',
      )[1]!.text,
    ).toMatch(/^curl -sS -X POST 'https:\/\/firebell\.example\.com\/hooks\/generic\/k2'/);
  });
});
