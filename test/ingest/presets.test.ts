/**
 * The ready-made mappings end to end: a custom integration created from a preset, the monitor's real payloads
 * (test/fixtures/monitors/) posted to its URL, and the incident they open, acknowledge and resolve.
 */
import { describe, expect, it } from 'vitest';
import kumaDown from '../fixtures/monitors/uptime-kuma/down.json';
import kumaUp from '../fixtures/monitors/uptime-kuma/up.json';
import sentryIssueAlert from '../fixtures/monitors/sentry/issue-alert.json';
import datadogTriggered from '../fixtures/monitors/datadog/triggered.json';
import datadogRecovered from '../fixtures/monitors/datadog/recovered.json';
import zabbixProblem from '../fixtures/monitors/zabbix/problem.json';
import zabbixAcknowledged from '../fixtures/monitors/zabbix/acknowledged.json';
import zabbixRecovery from '../fixtures/monitors/zabbix/recovery.json';
import netdataCritical from '../fixtures/monitors/netdata/critical.json';
import netdataClear from '../fixtures/monitors/netdata/clear.json';
import githubRequested from '../fixtures/monitors/github-actions/requested.json';
import githubFailure from '../fixtures/monitors/github-actions/failure.json';
import githubSuccess from '../fixtures/monitors/github-actions/success.json';
import gitlabRunning from '../fixtures/monitors/gitlab-pipeline/running.json';
import gitlabFailed from '../fixtures/monitors/gitlab-pipeline/failed.json';
import gitlabSuccess from '../fixtures/monitors/gitlab-pipeline/success.json';
import { onlyIncident, send, serviceIncidents, serviceWith } from './support';

type Accepted = {
  status: string;
  incidents: { dedupKey: string; incidentId: string | null; result: string }[];
  notes: string[];
};

/** POST one body to the integration, expecting 202. */
async function post(url: string, body: unknown): Promise<Accepted> {
  const res = await send(url, body);
  expect(res.status).toBe(202);
  return (await res.json()) as Accepted;
}

/** A service with a custom integration made from `preset`; the trigger opens its one incident, the resolve ends it. */
async function opensThenResolves(
  preset: string,
  trigger: unknown,
  resolve: unknown,
  expected: { title: string; severity: string; dedupKey: string },
): Promise<void> {
  const { serviceId, integration } = await serviceWith('custom', { preset });
  const opened = await post(integration.url, trigger);
  expect(opened.notes).toEqual([]);
  expect(opened.incidents).toEqual([
    { dedupKey: expected.dedupKey, incidentId: expect.stringMatching(/^inc_/), result: 'opened' },
  ]);
  expect((await onlyIncident(serviceId)).incident).toMatchObject({
    title: expected.title,
    severity: expected.severity,
    status: 'triggered',
  });
  const resolved = await post(integration.url, resolve);
  expect(resolved.incidents).toEqual([
    {
      dedupKey: expected.dedupKey,
      incidentId: opened.incidents[0]?.incidentId,
      result: 'appended',
    },
  ]);
  expect((await onlyIncident(serviceId)).incident.status).toBe('resolved');
}

describe('ready-made mappings through the custom integration URL', () => {
  it('Uptime Kuma: a monitor down opens a critical incident and the same monitor up resolves it', async () => {
    await opensThenResolves('uptime-kuma', kumaDown, kumaUp, {
      title: 'Shop checkout is down: Request failed with status code 503',
      severity: 'critical',
      dedupKey: 'uptime-kuma/7',
    });
  });

  it('Datadog: Triggered opens a critical incident for the monitor and group, Recovered resolves it', async () => {
    await opensThenResolves('datadog', datadogTriggered, datadogRecovered, {
      title: 'Host is Down on host:ip-012345',
      severity: 'critical',
      dedupKey: 'datadog/1234/host:ip-012345',
    });
  });

  it('Netdata: a critical alert opens an incident and its clear resolves it', async () => {
    await opensThenResolves('netdata', netdataCritical, netdataClear, {
      title: 'Critical: ram_in_use on web-01 is 96.8%',
      severity: 'critical',
      dedupKey: 'netdata/example-space/system.ram/ram_in_use',
    });
  });

  it('Zabbix: a problem opens an incident, acknowledging it in Zabbix acknowledges it, its recovery resolves it', async () => {
    const { serviceId, integration } = await serviceWith('custom', { preset: 'zabbix' });
    const opened = await post(integration.url, zabbixProblem);
    expect(opened.incidents[0]).toMatchObject({ dedupKey: 'zabbix/8812', result: 'opened' });
    expect((await onlyIncident(serviceId)).incident).toMatchObject({
      title: 'Linux: High CPU utilization (over 90% for 5m) on web-01',
      severity: 'error',
      status: 'triggered',
    });
    await post(integration.url, zabbixAcknowledged);
    expect((await onlyIncident(serviceId)).incident.status).toBe('acknowledged');
    await post(integration.url, zabbixRecovery);
    expect((await onlyIncident(serviceId)).incident.status).toBe('resolved');
  });

  it('Sentry: a second alert for the same issue joins its open incident, which stays open', async () => {
    const { serviceId, integration } = await serviceWith('custom', { preset: 'sentry' });
    const first = await post(integration.url, sentryIssueAlert);
    const again = await post(integration.url, sentryIssueAlert);
    expect(again.incidents[0]?.incidentId).toBe(first.incidents[0]?.incidentId);
    expect((await onlyIncident(serviceId)).incident).toMatchObject({
      title: 'ReferenceError: heck is not defined',
      severity: 'error',
      status: 'triggered',
    });
  });

  it('GitHub Actions: a requested run pages no one, a failure opens an incident, the next success resolves it', async () => {
    const { serviceId, integration } = await serviceWith('custom', { preset: 'github-actions' });
    expect((await post(integration.url, githubRequested)).incidents).toEqual([]);
    expect(await serviceIncidents(serviceId)).toEqual([]);
    await opensThenResolves('github-actions', githubFailure, githubSuccess, {
      title: 'test failed on octo-org/octo-repo master',
      severity: 'error',
      dedupKey: 'github/octo-org/octo-repo/2823525/master',
    });
  });

  it('GitLab: a running pipeline pages no one, a failed one opens an incident, the next success resolves it', async () => {
    const { serviceId, integration } = await serviceWith('custom', { preset: 'gitlab-pipeline' });
    expect((await post(integration.url, gitlabRunning)).incidents).toEqual([]);
    expect(await serviceIncidents(serviceId)).toEqual([]);
    await opensThenResolves('gitlab-pipeline', gitlabFailed, gitlabSuccess, {
      title: 'Pipeline failed on gitlab-org/gitlab-test master (test-build)',
      severity: 'error',
      dedupKey: 'gitlab/gitlab-org/gitlab-test/master',
    });
  });
});
