import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { AddIntegration } from '../../pwa/src/components/admin/add-integration';
import { MappingEditor } from '../../pwa/src/components/admin/mapping-editor';
import { errorsByField, fromForm, toForm } from '../../pwa/src/lib/mapping-form';
import type { Mapping, Preview, PreviewAlert } from '../../pwa/src/lib/mapping-api';
import { json, stubFetch } from './fakes';

/** The preview waits for a pause in typing (400 ms): leave room for it on a busy machine. */
const DEBOUNCED = { timeout: 5_000 };
const BASE = '/api/services/svc_web/integrations/int_kuma/mapping';
const uptimeKuma: Mapping = {
  summary: '{{ monitor.name }} is down',
  action: { value: 'heartbeat.status', map: { '0': 'trigger', '1': 'resolve' } },
};

/** A server that renders `summary` literally with the monitor name filled in, like the engine would. */
function previewOf(mapping: Mapping, truncated = false): Preview {
  const alert: PreviewAlert = {
    action: 'trigger',
    summary: mapping.summary.replace('{{ monitor.name }}', 'Shop'),
    severity: 'error',
    dedupKey: 'kuma-1',
    links: [],
  };
  return {
    results: [
      {
        receivedAt: Date.now() - 60_000,
        contentType: 'application/json',
        truncated,
        bytes: 70_000,
        alerts: [alert],
        notes: ['severity: no severity field in the mapping; used the default error'],
        error: null,
      },
    ],
    failsOnAll: false,
  };
}

function editor(onSaved = vi.fn(async () => {})) {
  render(
    <MappingEditor
      serviceId="svc_web"
      integrationId="int_kuma"
      name="Uptime Kuma"
      mapping={uptimeKuma}
      onSaved={onSaved}
      onCancel={() => {}}
    />,
  );
  return onSaved;
}

describe('the mapping editor', () => {
  it('previews the mapped alert, its notes and a cut payload, and follows an edited summary', async () => {
    const calls = stubFetch({
      [`POST ${BASE}/preview`]: ({ body }) =>
        json(previewOf((body as { mapping: Mapping }).mapping, true)),
    });
    editor();
    const preview = screen.getByRole('region', { name: 'Preview' });
    await within(preview).findByText('Shop is down', {}, DEBOUNCED);
    within(preview).getByText('severity: no severity field in the mapping; used the default error');
    within(preview).getByText('cut');
    expect(screen.getByLabelText('Action value map')).toHaveValue('0 = trigger\n1 = resolve');

    fireEvent.input(screen.getByLabelText('Summary'), {
      target: { value: '{{ monitor.name }} stopped answering' },
    });
    await within(preview).findByText('Shop stopped answering', {}, DEBOUNCED);
    const sent = calls.filter((c) => c.url.pathname === `${BASE}/preview`);
    expect(sent.at(-1)?.body).toEqual({
      mapping: { ...uptimeKuma, summary: '{{ monitor.name }} stopped answering' },
    });
  });

  it('shows a static error next to the field it names, and a bad value map without asking the server', async () => {
    stubFetch({
      [`POST ${BASE}/preview`]: () =>
        new Response(
          JSON.stringify({
            type: 'https://firebell.dev/problems/invalid-mapping',
            status: 400,
            detail: 'The mapping has 1 error.',
            errors: [
              {
                path: 'mapping',
                message: 'dedup_key: expected an expression after {{ at column 3',
              },
            ],
          }),
          { status: 400, headers: { 'content-type': 'application/problem+json' } },
        ),
    });
    editor();
    const dedup = screen.getByLabelText('Dedup key');
    fireEvent.input(dedup, { target: { value: '{{ ' } });
    expect(
      await screen.findByText(
        'dedup_key: expected an expression after {{ at column 3',
        {},
        DEBOUNCED,
      ),
    ).toBeInTheDocument();
    expect(dedup).toHaveAttribute('aria-invalid', 'true');

    fireEvent.input(screen.getByLabelText('Severity value map'), {
      target: { value: 'disaster = panic' },
    });
    screen.getByText('line 1: “panic” is not one of critical, error, warning, info');
    expect(screen.getByRole('button', { name: 'Save mapping' })).toBeDisabled();
  });

  it('asks before saving a mapping that fails on every recent payload, then saves it when told to', async () => {
    const calls = stubFetch({
      [`POST ${BASE}/preview`]: ({ body }) =>
        json(previewOf((body as { mapping: Mapping }).mapping)),
      [`PUT ${BASE}`]: ({ body }) =>
        (body as { confirm?: boolean }).confirm
          ? json({ ok: true })
          : new Response(
              JSON.stringify({
                type: 'https://firebell.dev/problems/mapping-fails-everywhere',
                status: 409,
                detail:
                  'This mapping fails on all 3 recent payloads: summary: rendered empty; send confirm: true to save it anyway.',
              }),
              { status: 409, headers: { 'content-type': 'application/problem+json' } },
            ),
    });
    const onSaved = editor();
    fireEvent.click(screen.getByRole('button', { name: 'Save mapping' }));
    await screen.findByText('This mapping fails on all 3 recent payloads — save anyway?');
    expect(onSaved).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Save anyway' }));
    await screen.findByText(/^Saved anyway/);
    expect(onSaved).toHaveBeenCalledOnce();
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.body)).toEqual([
      { mapping: uptimeKuma },
      { mapping: uptimeKuma, confirm: true },
    ]);
  });
});

describe('the mapping form', () => {
  it('round-trips a mapping through its fields and leaves empty fields out', () => {
    const full: Mapping = {
      alerts: 'alerts',
      summary: '{{ labels.alertname }}',
      severity: { value: 'labels.severity', map: { disaster: 'critical' }, default: 'warning' },
      action: { value: 'status', map: { firing: 'trigger', resolved: 'resolve' } },
      dedup_key: '{{ fingerprint }}',
      links: '[generatorURL]',
    };
    expect(fromForm(toForm(full))).toEqual({ mapping: full, errors: {} });
  });

  it('sorts server messages to the fields they name, dotted or backquoted', () => {
    expect(
      errorsByField([
        'severity.map.disaster: not a severity',
        'mapping.summary: too long',
        'the expression in `occurred_at` does not parse',
        'something else',
      ]),
    ).toEqual({
      fields: {
        severityMap: ['severity.map.disaster: not a severity'],
        summary: ['mapping.summary: too long'],
        occurred_at: ['the expression in `occurred_at` does not parse'],
      },
      general: ['something else'],
    });
  });
});

describe('adding a custom integration', () => {
  it('offers the ready-made mappings with their set-up text, and sends the one chosen', async () => {
    const calls = stubFetch({
      'GET /api/mapping-presets': () =>
        json({
          presets: [
            {
              id: 'uptime-kuma',
              name: 'Uptime Kuma',
              setup:
                'In Uptime Kuma, add a Webhook notification with this URL and the JSON body preset.',
              docs: 'https://github.com/louislam/uptime-kuma/wiki',
              mapping: uptimeKuma,
            },
          ],
        }),
      'POST /api/services/svc_web/integrations': ({ body }) =>
        json(
          { ...(body as object), id: 'int_new', key: 'fbk_x', url: 'https://x/hooks/custom/fbk_x' },
          201,
        ),
    });
    const onAdded = vi.fn();
    render(<AddIntegration serviceId="svc_web" onAdded={onAdded} />);
    fireEvent.change(screen.getByRole('combobox', { name: 'Monitor' }), {
      target: { value: 'custom' },
    });
    const startFrom = await screen.findByRole('combobox', { name: 'Start from' });
    await within(startFrom).findByRole('option', { name: 'Uptime Kuma (ready-made)' });
    fireEvent.change(startFrom, { target: { value: 'uptime-kuma' } });
    await screen.findByText('In Uptime Kuma, add a Webhook notification', { exact: false });
    expect(screen.getByRole('link', { name: 'Uptime Kuma documentation' })).toHaveAttribute(
      'href',
      'https://github.com/louislam/uptime-kuma/wiki',
    );

    fireEvent.click(screen.getByRole('button', { name: 'Add integration' }));
    await screen.findByText(/^Integration added/);
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      type: 'custom',
      name: 'Uptime Kuma',
      preset: 'uptime-kuma',
    });
    expect(onAdded).toHaveBeenCalledOnce();
  });
});
