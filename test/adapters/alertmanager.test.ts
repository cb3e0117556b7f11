import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../schema/alert';
import { adaptAlertmanager } from '../../worker/adapters/alertmanager';
import firing from '../fixtures/payloads/alertmanager-firing.json';
import resolved from '../fixtures/payloads/alertmanager-resolved.json';
import { HOSTILE_BODIES } from './hostile-bodies';

const NOW = Date.parse('2026-11-26T11:01:00Z');
const group = firing.body;
const [firstAlert] = group.alerts;
if (!firstAlert) throw new Error('fixture has no alert');

async function errorsOf(body: unknown): Promise<string[]> {
  const result = await adaptAlertmanager(body, NOW);
  if (result.ok) throw new Error('expected the notification to be rejected');
  return result.errors;
}

function withAlerts(alerts: unknown[], extra: Record<string, unknown> = {}) {
  return { ...group, ...extra, alerts };
}

describe('Alertmanager webhook v4', () => {
  it('turns a firing notification into a critical trigger keyed by group and fingerprint', async () => {
    const result = await adaptAlertmanager(group, NOW);
    expect(result).toEqual({
      ok: true,
      events: [
        {
          action: 'trigger',
          dedupKey: '{}:{alertname="ProbeDiskFull", instance="web-1"}',
          alertKey: 'e5a1bcca5d669f68',
          summary: 'Disk full on web-1',
          truncated: false,
          severity: 'critical',
          source: 'web-1',
          occurredAt: Date.parse('2026-11-26T11:00:46Z'),
          details: {
            receiver: 'incident-api',
            groupLabels: { alertname: 'ProbeDiskFull', instance: 'web-1' },
            startsAt: '2026-11-26T11:00:46Z',
          },
          labels: firstAlert.labels,
          annotations: firstAlert.annotations,
          links: [
            { href: 'http://127.0.0.1:9090/graph?g0.expr=disk', text: 'Source' },
            { href: 'http://127.0.0.1:19093', text: 'Alertmanager' },
          ],
          truncatedAlerts: 0,
          // commonAnnotations.summary: what the whole group is about, the incident's title while it lasts.
          groupSummary: 'Disk full on web-1',
        },
      ],
    });
  });

  it('carries no group summary when the alerts of the group say different things', async () => {
    const other = {
      ...firstAlert,
      annotations: { summary: 'Disk full on web-2' },
      fingerprint: 'f00dfeedf00dfeed',
    };
    const result = await adaptAlertmanager(
      withAlerts([firstAlert, other], { commonAnnotations: {} }),
      NOW,
    );
    expect(result.ok && result.events.map((e) => e.groupSummary)).toEqual([undefined, undefined]);
  });

  it('resolves the same alert when Alertmanager reports it resolved, keeping its end time', async () => {
    const result = await adaptAlertmanager(resolved.body, NOW);
    expect(result.ok && result.events[0]).toMatchObject({
      action: 'resolve',
      dedupKey: group.groupKey,
      alertKey: 'e5a1bcca5d669f68',
      details: { endsAt: '2026-11-26T11:00:55Z' },
    });
  });

  it('lists every alert of an Alertmanager group by fingerprint, firing and resolved alike', async () => {
    const second = {
      ...firstAlert,
      status: 'resolved',
      fingerprint: 'aaaabbbbccccdddd',
      labels: { ...firstAlert.labels, instance: 'web-2' },
    };
    const result = await adaptAlertmanager(
      withAlerts([firstAlert, second], { truncatedAlerts: 3 }),
      NOW,
    );
    expect(
      result.ok && result.events.map((e) => [e.alertKey, e.action, e.dedupKey, e.truncatedAlerts]),
    ).toEqual([
      ['e5a1bcca5d669f68', 'trigger', group.groupKey, 3],
      ['aaaabbbbccccdddd', 'resolve', group.groupKey, 3],
    ]);
  });

  it('falls back to the description, then the alert name and instance, for the summary', async () => {
    const noSummary = { ...firstAlert, annotations: { description: '/var at 99%' } };
    const bare = { ...firstAlert, annotations: {}, fingerprint: 'f2' };
    const nameless = { ...firstAlert, annotations: null, labels: {}, fingerprint: 'f3' };
    const result = await adaptAlertmanager(withAlerts([noSummary, bare, nameless]), NOW);
    expect(result.ok && result.events.map((e) => e.summary)).toEqual([
      '/var at 99%',
      'ProbeDiskFull on web-1',
      'Alert f3',
    ]);
  });

  it.each([
    ['page', 'critical'],
    ['high', 'error'],
    ['warn', 'warning'],
    ['none', 'info'],
    ['sev-unknown', 'error'],
    [undefined, 'error'],
  ])('maps a severity label of %s to %s', async (label, expected) => {
    const labels = { ...firstAlert.labels, severity: label };
    const result = await adaptAlertmanager(
      withAlerts([{ ...firstAlert, labels: label === undefined ? { alertname: 'X' } : labels }]),
      NOW,
    );
    expect(result.ok && result.events[0]?.severity).toBe(expected);
  });

  it('links to the runbook annotation first', async () => {
    const alert = {
      ...firstAlert,
      annotations: { ...firstAlert.annotations, runbook_url: 'https://runbooks.example.com/disk' },
    };
    const result = await adaptAlertmanager(withAlerts([alert]), NOW);
    expect(result.ok && result.events[0]?.links[0]).toEqual({
      href: 'https://runbooks.example.com/disk',
      text: 'Runbook',
    });
  });

  it('hashes a group key too long to store, identically on every notification', async () => {
    const longKey = `{}:{${'label="value", '.repeat(40)}}`;
    const [a, b] = await Promise.all([
      adaptAlertmanager({ ...group, groupKey: longKey }, NOW),
      adaptAlertmanager({ ...group, groupKey: longKey }, NOW),
    ]);
    expect(a.ok && a.events[0]?.dedupKey).toMatch(/^sha256:/);
    expect(a.ok && a.events[0]?.dedupKey).toBe(b.ok && b.events[0]?.dedupKey);
  });

  it('truncates an overlong summary annotation with an ellipsis', async () => {
    const alert = { ...firstAlert, annotations: { summary: 'S'.repeat(5000) } };
    const result = await adaptAlertmanager(withAlerts([alert]), NOW);
    expect(result.ok && result.events[0]?.summary).toHaveLength(LIMITS.summary);
    expect(result.ok && result.events[0]?.truncated).toBe(true);
  });

  it('ignores fields a newer Alertmanager adds instead of refusing to page', async () => {
    const result = await adaptAlertmanager(
      { ...group, futureField: { x: 1 }, alerts: [{ ...firstAlert, silenceURL: 'x' }] },
      NOW,
    );
    expect(result.ok).toBe(true);
  });

  it('rejects payload versions other than 4', async () => {
    expect(await errorsOf({ ...group, version: '3', groupKey: 666 })).toEqual([
      'groupKey: Invalid input: expected string, received number',
      'version: unsupported webhook payload version (expected "4")',
    ]);
  });

  it('names the alert and field when an alert is malformed', async () => {
    const bad = { ...firstAlert, status: 'pending', labels: { ...firstAlert.labels, severity: 1 } };
    const errors = await errorsOf(withAlerts([firstAlert, bad]));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^alerts\[1\]\.status: /);
    expect(errors[1]).toMatch(/^alerts\[1\]\.labels\.severity: /);
  });

  it('rejects a notification with no alerts or no fingerprint', async () => {
    expect(await errorsOf(withAlerts([]))).toEqual([
      'alerts: a notification must carry at least one alert',
    ]);
    const { fingerprint: _omit, ...noFingerprint } = firstAlert;
    expect((await errorsOf(withAlerts([noFingerprint])))[0]).toMatch(/^alerts\[0\]\.fingerprint: /);
  });

  it('caps the error list when thousands of alerts are malformed', async () => {
    const errors = await errorsOf(withAlerts(Array.from({ length: 5000 }, () => ({ status: 1 }))));
    expect(errors.length).toBeLessThanOrEqual(21);
    expect(errors.at(-1)).toMatch(/more errors$/);
  });

  it.each(HOSTILE_BODIES)('answers %s with an error instead of throwing', async (_name, body) => {
    const result = await adaptAlertmanager(body, NOW);
    expect(result.ok).toBe(false);
  });
});

describe('an Alertmanager group past the alerts one incident lists', () => {
  it('keeps the first 10,000 distinct alerts whole and only key, state, summary and severity of the rest', async () => {
    const { alertGroup } = await import('../fixtures/alert-storm.mjs');
    const body = alertGroup(0, LIMITS.alertsPerIncident + 2, (i) =>
      i % 2 ? 'resolved' : 'firing',
    );
    // A repeat of a listed alert further down stays whole.
    body.alerts.push({ ...body.alerts[0]!, status: 'firing' });
    const result = await adaptAlertmanager(body, NOW);
    if (!result.ok) throw new Error(result.errors.join('; '));
    const [listed, past, repeat] = [
      result.events[9_999]!,
      result.events[10_001]!,
      result.events.at(-1)!,
    ];
    expect(listed).toMatchObject({
      alertKey: (9_999).toString(16).padStart(16, '0'),
      labels: expect.objectContaining({ instance: 'node-9999.prod.internal:9100' }),
    });
    expect(listed.links.length).toBeGreaterThan(0);
    expect(past).toEqual({
      action: 'resolve',
      dedupKey: body.groupKey,
      alertKey: (10_001).toString(16).padStart(16, '0'),
      summary: 'node-10001 is down',
      severity: 'critical',
      truncated: false,
      links: [],
      truncatedAlerts: 0,
    });
    expect(repeat).toMatchObject({
      alertKey: '0000000000000000',
      labels: expect.objectContaining({ instance: 'node-0.prod.internal:9100' }),
    });
  });
});
