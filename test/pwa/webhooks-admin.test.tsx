import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { WebhooksAdmin } from '../../pwa/src/components/admin/webhooks';
import type { Service } from '../../pwa/src/lib/types';
import type { WebhookDelivery, WebhookSubscription } from '../../pwa/src/lib/webhooks-api';
import { json, problem, stubFetch } from './fakes';

const T = Date.now() - 3_600_000;
const services: Service[] = [
  { id: 'svc_pay', name: 'payments', description: '', policyId: null, createdAt: T },
  { id: 'svc_web', name: 'web', description: '', policyId: null, createdAt: T },
];

function sub(overrides: Partial<WebhookSubscription> = {}): WebhookSubscription {
  return {
    id: 'whk_1',
    url: 'https://hooks.example.com/firebell',
    serviceId: null,
    events: ['incident.triggered', 'incident.resolved'],
    enabled: true,
    disabledReason: null,
    createdAt: T,
    ...overrides,
  };
}

function attempt(overrides: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return {
    id: 'dlv_1',
    eventId: 'evt_1',
    type: 'webhook.test',
    attempt: 1,
    at: Date.now() - 1000,
    status: 204,
    latencyMs: 42,
    outcome: 'delivered',
    nextAt: null,
    response: '',
    ...overrides,
  };
}

/** A stateful stand-in of /api/webhooks: what the UI writes, it reads back. */
function webhooksApi(initial: WebhookSubscription[] = []) {
  let hooks = initial;
  let log: { deliveries: WebhookDelivery[]; pending: object[] } = { deliveries: [], pending: [] };
  /** What the next reads of the log return, one per read; the last one stays. */
  const logReads: (typeof log)[] = [];
  const calls = stubFetch({
    'GET /api/webhooks': () => json({ webhooks: hooks }),
    'POST /api/webhooks': ({ body }) => {
      const input = body as Pick<WebhookSubscription, 'url' | 'serviceId' | 'events'>;
      if (input.url.startsWith('http:'))
        return problem(422, 'The webhook URL must use https.', 'validation-failed');
      const created = sub({ ...input, id: 'whk_new' });
      hooks = [...hooks, created];
      return json({ webhook: created, secret: 'whsec_Zmlyc3Qgc2VjcmV0' }, 201);
    },
    'PATCH /api/webhooks/whk_1': ({ body }) => {
      const change = body as Partial<WebhookSubscription> & { rotateSecret?: boolean };
      const { rotateSecret, ...rest } = change;
      hooks = hooks.map((h) =>
        h.id === 'whk_1' ? { ...h, ...rest, ...(rest.enabled ? { disabledReason: null } : {}) } : h,
      );
      return json({
        webhook: hooks.find((h) => h.id === 'whk_1'),
        ...(rotateSecret ? { secret: 'whsec_c2Vjb25kIHNlY3JldA' } : {}),
      });
    },
    'DELETE /api/webhooks/whk_1': () => {
      hooks = hooks.filter((h) => h.id !== 'whk_1');
      return new Response(null, { status: 204 });
    },
    'POST /api/webhooks/whk_1/test': () => json({ event: { id: 'evt_test' } }, 202),
    'GET /api/webhooks/whk_1/deliveries': () => {
      if (logReads.length > 1) log = logReads.shift()!;
      else if (logReads.length === 1) log = logReads[0]!;
      return json(log);
    },
    'POST /api/webhooks/whk_1/deliveries/dlv_410/redeliver': () => json({ queued: true }, 202),
  });
  return { calls, logReads };
}

const card = (url: string) => screen.getByText(url, { selector: 'strong' }).closest('li')!;

describe('the admin screen: outgoing webhooks', () => {
  it('subscribes a URL for one service and chosen events, and shows the secret once', async () => {
    const { calls } = webhooksApi();
    const view = render(<WebhooksAdmin services={services} />);
    await screen.findByText('No webhooks yet.');

    const form = screen.getByRole('form', { name: 'New webhook' });
    fireEvent.input(within(form).getByLabelText('Receiver URL'), {
      target: { value: ' https://hooks.example.com/pay ' },
    });
    fireEvent.change(within(form).getByLabelText('Service'), { target: { value: 'svc_pay' } });
    // Triggered, Acknowledged and Resolved are ticked to start with.
    fireEvent.click(within(form).getByRole('checkbox', { name: /^Acknowledged/ }));
    fireEvent.click(within(form).getByRole('checkbox', { name: /^Note added/ }));
    fireEvent.click(within(form).getByRole('button', { name: 'Subscribe' }));

    const secret = await screen.findByText('Firebell will not show this secret again.', {
      exact: false,
    });
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.body).toEqual({
      url: 'https://hooks.example.com/pay',
      serviceId: 'svc_pay',
      events: ['incident.triggered', 'incident.resolved', 'incident.note_added'],
    });
    const box = secret.closest('.secret') as HTMLElement;
    expect(within(box).getByLabelText('Signing secret')).toHaveValue('whsec_Zmlyc3Qgc2VjcmV0');
    within(box).getByRole('button', { name: 'Copy Signing secret' });
    const listed = card('https://hooks.example.com/pay');
    within(listed).getByText('Triggered, Resolved, Note added');
    within(listed).getByText('enabled');

    // Gone once the screen is left: it lived only in the create answer.
    view.unmount();
    render(<WebhooksAdmin services={services} />);
    await screen.findByText('https://hooks.example.com/pay');
    expect(screen.queryByText('whsec_', { exact: false })).toBeNull();
    expect(screen.queryByDisplayValue('whsec_Zmlyc3Qgc2VjcmV0')).toBeNull();
  });

  it('says why a URL is refused, from the problem detail', async () => {
    webhooksApi();
    render(<WebhooksAdmin services={services} />);
    await screen.findByText('No webhooks yet.');
    fireEvent.input(screen.getByLabelText('Receiver URL'), {
      target: { value: 'http://10.0.0.7/hook' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Subscribe' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The webhook URL must use https.');
  });

  it('shows why Firebell disabled a subscription and re-enables it by hand', async () => {
    const { calls } = webhooksApi([
      sub({ enabled: false, disabledReason: 'failing for 24 h (last answer HTTP 503)' }),
    ]);
    render(<WebhooksAdmin services={services} />);
    await screen.findByText('https://hooks.example.com/firebell');
    const c = card('https://hooks.example.com/firebell');
    within(c).getByText('All services', { exact: false });
    within(c).getByText('Disabled by Firebell: failing for 24 h (last answer HTTP 503)');
    fireEvent.click(within(c).getByRole('button', { name: 'Re-enable' }));
    await within(c).findByText('Enabled: events that were waiting go out first', { exact: false });
    expect(calls.at(-2)?.body).toEqual({ enabled: true });
    within(c).getByText('enabled');
    expect(within(c).queryByText(/Disabled by Firebell/)).toBeNull();
    within(c).getByRole('button', { name: 'Disable' });
  });

  it('edits the events and URL', async () => {
    const { calls } = webhooksApi([sub()]);
    render(<WebhooksAdmin services={services} />);
    await screen.findByText('https://hooks.example.com/firebell');
    const c = card('https://hooks.example.com/firebell');
    fireEvent.click(within(c).getByRole('button', { name: 'Edit' }));
    const form = within(c).getByRole('form', { name: 'Edit webhook' });
    fireEvent.input(within(form).getByLabelText('Receiver URL'), {
      target: { value: 'https://hooks.example.com/v2' },
    });
    fireEvent.click(within(form).getByRole('checkbox', { name: /^Resolved/ }));
    fireEvent.click(within(form).getByRole('checkbox', { name: /^Escalated/ }));
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    await screen.findByText('https://hooks.example.com/v2');
    expect(calls.find((x) => x.method === 'PATCH')?.body).toEqual({
      url: 'https://hooks.example.com/v2',
      serviceId: null,
      events: ['incident.triggered', 'incident.escalated'],
    });
    within(card('https://hooks.example.com/v2')).getByText('Triggered, Escalated');
  });

  it('rotates the secret after a second tap and says the old one signs for 24 h more', async () => {
    const { calls } = webhooksApi([sub()]);
    render(<WebhooksAdmin services={services} />);
    await screen.findByText('https://hooks.example.com/firebell');
    const c = card('https://hooks.example.com/firebell');
    fireEvent.click(within(c).getByRole('button', { name: 'Rotate secret' }));
    expect(calls.some((x) => x.method === 'PATCH')).toBe(false);
    fireEvent.click(
      within(c).getByRole('button', { name: 'Tap again: new secret, old one signs 24 h more' }),
    );
    await within(c).findByText(/keeps signing for 24 h/);
    expect(calls.find((x) => x.method === 'PATCH')?.body).toEqual({ rotateSecret: true });
    expect(within(c).getByLabelText('Signing secret')).toHaveValue('whsec_c2Vjb25kIHNlY3JldA');
  });

  it('deletes only after a second tap', async () => {
    const { calls } = webhooksApi([sub()]);
    render(<WebhooksAdmin services={services} />);
    await screen.findByText('https://hooks.example.com/firebell');
    const c = card('https://hooks.example.com/firebell');
    fireEvent.click(within(c).getByRole('button', { name: 'Delete' }));
    expect(calls.some((x) => x.method === 'DELETE')).toBe(false);
    fireEvent.click(within(c).getByRole('button', { name: 'Tap again to delete' }));
    await screen.findByText('No webhooks yet.');
    expect(calls.filter((x) => x.method === 'DELETE')).toHaveLength(1);
  });

  it('sends a test event and follows it from waiting to its attempt in the delivery log', async () => {
    const { calls, logReads } = webhooksApi([sub()]);
    logReads.push(
      {
        deliveries: [],
        pending: [{ id: 'evt_test', type: 'webhook.test', attempts: 0, nextAt: 0 }],
      },
      { deliveries: [attempt({ response: '{"ok":true}' })], pending: [] },
    );
    render(<WebhooksAdmin services={services} />);
    await screen.findByText('https://hooks.example.com/firebell');
    const c = card('https://hooks.example.com/firebell');
    fireEvent.click(within(c).getByRole('button', { name: 'Send test event' }));
    expect(await within(c).findByText('Waiting (1)')).toBeVisible();
    within(c).getByText('Test event · not sent yet');
    const attempts = await within(c).findByRole('list', { name: 'Attempts' }, { timeout: 3000 });
    expect(within(attempts).getByRole('listitem')).toHaveTextContent(
      /delivered.*Test event · HTTP 204 · 42 ms/,
    );
    expect(within(c).queryByText('Waiting (1)')).toBeNull();
    // The response is folded until asked for.
    const response = within(attempts).getByText('{"ok":true}');
    expect(response.closest('details')).not.toHaveAttribute('open');
    expect(calls.filter((x) => x.url.pathname.endsWith('/test'))).toHaveLength(1);
  });

  it('shows a final failure and redelivers that attempt', async () => {
    const { calls, logReads } = webhooksApi([sub()]);
    logReads.push({
      deliveries: [
        attempt({
          id: 'dlv_410',
          type: 'incident.triggered',
          status: 410,
          latencyMs: 8,
          outcome: 'failed',
          response: 'gone',
        }),
        attempt({ id: 'dlv_ok', type: 'incident.triggered', at: Date.now() - 60_000 }),
      ],
      pending: [],
    });
    render(<WebhooksAdmin services={services} />);
    await screen.findByText('https://hooks.example.com/firebell');
    const c = card('https://hooks.example.com/firebell');
    fireEvent.click(within(c).getByText('Delivery log'));
    const attempts = await within(c).findByRole('list', { name: 'Attempts' });
    const [failed, ok] = within(attempts).getAllByRole('listitem');
    expect(failed).toHaveTextContent(/failed.*Triggered · HTTP 410 · 8 ms/);
    expect(ok).toHaveTextContent(/delivered.*Triggered · HTTP 204/);
    fireEvent.click(within(failed!).getByRole('button', { name: 'Redeliver' }));
    await within(c).findByText('Triggered queued again, with the same webhook-id.');
    expect(calls.some((x) => x.url.pathname.endsWith('/dlv_410/redeliver'))).toBe(true);
  });
});
