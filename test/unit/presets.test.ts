/**
 * The ready-made mappings against real payloads of each monitor (test/fixtures/monitors/<id>/, origins in each
 * SOURCE.md): what a trigger opens, that the recovery resolves the same incident, and that none needs a fallback.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mappingPresetSchema, type MappingPreset } from '../../schema/mapping-schemas';
import type { AlertEvent } from '../../schema/alert';
import { applyMapping, type MappingResult } from '../../worker/mapping/apply';
import { mappingErrors } from '../../worker/mapping/check';
import { MAPPING_PRESETS } from '../../worker/mapping/presets';
import { ZABBIX_MEDIA_SCRIPT } from '../../worker/mapping/presets/zabbix';

const FIXTURES = join(__dirname, '../fixtures/monitors');

const preset = (id: string): MappingPreset => {
  const found = MAPPING_PRESETS.find((p) => p.id === id);
  if (!found) throw new Error(`no preset ${id}`);
  return found;
};
const fixture = (id: string, name: string): unknown =>
  JSON.parse(readFileSync(join(FIXTURES, id, `${name}.json`), 'utf8'));
const fixtureNames = (id: string): string[] =>
  readdirSync(join(FIXTURES, id))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length));

const map = (id: string, body: unknown): Promise<MappingResult> =>
  applyMapping(preset(id).mapping, body, { integrationName: preset(id).name });

/** The one alert a fixture raises, asserting the preset needed no fallback for it. */
async function alertFrom(id: string, name: string, body = fixture(id, name)): Promise<AlertEvent> {
  const result = await map(id, body);
  expect(result.notes, `${id}/${name}`).toEqual([]);
  expect(result.events).toHaveLength(1);
  return result.events[0] as AlertEvent;
}

/** Bodies a preset deliberately raises nothing for (runs that have not finished). */
const IGNORED: Record<string, string[]> = {
  'github-actions': ['requested'],
  'gitlab-pipeline': ['running'],
};

describe('every ready-made mapping', () => {
  it('has a unique id, a setup text, and the shape the API serves', () => {
    const ids = MAPPING_PRESETS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of MAPPING_PRESETS) {
      expect(mappingPresetSchema.safeParse(p).success, p.id).toBe(true);
      expect(p.setup.length, p.id).toBeGreaterThan(40);
    }
  });

  it('is listed in the table of docs/presets.md', () => {
    const doc = readFileSync(join(__dirname, '../../docs/presets.md'), 'utf8');
    for (const p of MAPPING_PRESETS) expect(doc, p.id).toContain(`| \`${p.id}\` |`);
  });

  it('passes the check run when an admin saves a mapping', () => {
    for (const p of MAPPING_PRESETS) expect(mappingErrors(p.mapping), p.id).toEqual([]);
  });

  it('has fixtures with their origin noted, and maps each without a fallback or ignores it on purpose', async () => {
    for (const p of MAPPING_PRESETS) {
      const files = readdirSync(join(FIXTURES, p.id));
      expect(files, p.id).toContain('SOURCE.md');
      const names = fixtureNames(p.id);
      expect(names.length, p.id).toBeGreaterThanOrEqual(2);
      for (const name of names) {
        const result = await map(p.id, fixture(p.id, name));
        if (IGNORED[p.id]?.includes(name)) {
          expect(result.events, `${p.id}/${name}`).toEqual([]);
        } else {
          expect(result.notes, `${p.id}/${name}`).toEqual([]);
          expect(result.events, `${p.id}/${name}`).toHaveLength(1);
        }
      }
    }
  });
});

describe('Uptime Kuma', () => {
  it('opens a critical incident when a monitor goes down, titled with its name and error, linked to the checked URL', async () => {
    const alert = await alertFrom('uptime-kuma', 'down');
    expect(alert).toMatchObject({
      action: 'trigger',
      summary: 'Shop checkout is down: Request failed with status code 503',
      severity: 'critical',
      dedupKey: 'uptime-kuma/7',
      source: 'Shop checkout',
      occurredAt: Date.parse('2026-11-30T21:14:05.118Z'),
      links: [{ href: 'https://shop.example.com/checkout', text: 'Checked URL' }],
    });
  });

  it('resolves the same incident when the monitor comes back up', async () => {
    const alert = await alertFrom('uptime-kuma', 'up');
    expect(alert).toMatchObject({ action: 'resolve', dedupKey: 'uptime-kuma/7' });
  });

  it('pages a pending monitor as a warning', async () => {
    const body = fixture('uptime-kuma', 'down') as { heartbeat: { status: number } };
    body.heartbeat.status = 2;
    expect(await alertFrom('uptime-kuma', 'down', body)).toMatchObject({
      action: 'trigger',
      severity: 'warning',
    });
  });

  it('turns the Test button (no monitor, no heartbeat) into an info alert with its message', async () => {
    const alert = await alertFrom('uptime-kuma', 'test');
    expect(alert).toMatchObject({
      action: 'trigger',
      summary: 'Firebell Testing',
      severity: 'info',
      dedupKey: 'uptime-kuma/test',
      links: [],
    });
  });
});

describe('Sentry', () => {
  it("opens one incident per Sentry issue from an internal integration's issue alert, linked to the event", async () => {
    const alert = await alertFrom('sentry', 'issue-alert');
    expect(alert).toMatchObject({
      action: 'trigger',
      summary: 'ReferenceError: heck is not defined',
      severity: 'error',
      dedupKey: 'sentry/1117540176',
      source: 'test-org/front-end',
      occurredAt: Date.parse('2019-08-19T21:06:17.677Z'),
      links: [
        {
          href: 'https://sentry.io/organizations/test-org/issues/1117540176/events/e4874d664c3540c1a32eab185f12c5ab/',
          text: 'Sentry event',
        },
      ],
    });
  });

  it('reads the legacy WebHooks plugin body the same way, linked to the issue', async () => {
    const alert = await alertFrom('sentry', 'legacy-webhook');
    expect(alert).toMatchObject({
      action: 'trigger',
      summary: 'This is an example Python exception',
      severity: 'error',
      dedupKey: 'sentry/541485531',
      source: 'alerta5',
      occurredAt: 1525248430_000,
      links: [
        { href: 'https://sentry.io/alertaio/alerta5/issues/541485531/', text: 'Sentry issue' },
      ],
    });
  });

  it('pages a fatal event as critical and a warning as a warning', async () => {
    const body = fixture('sentry', 'legacy-webhook') as { level: string };
    body.level = 'fatal';
    expect((await alertFrom('sentry', 'legacy-webhook', body)).severity).toBe('critical');
    body.level = 'warning';
    expect((await alertFrom('sentry', 'legacy-webhook', body)).severity).toBe('warning');
  });

  it('says in its setup that Sentry never sends a resolve for issue alerts', () => {
    expect(preset('sentry').setup).toMatch(/never sends a resolve/);
  });
});

describe('Datadog', () => {
  it('opens an incident per monitor and group, a P1 error as critical, linked to the event and the monitor', async () => {
    const alert = await alertFrom('datadog', 'triggered');
    expect(alert).toMatchObject({
      action: 'trigger',
      summary: 'Host is Down on host:ip-012345',
      severity: 'critical',
      dedupKey: 'datadog/1234/host:ip-012345',
      source: 'ip-012345',
      occurredAt: 1796159645000,
    });
    expect(alert.links.map((l) => l.text)).toEqual(['Datadog event', 'Monitor status']);
    expect(alert.links[1]?.href).toMatch(/^https:\/\/app\.datadoghq\.com\/monitors\/1234\?/);
  });

  it('resolves the same incident on Recovered', async () => {
    const alert = await alertFrom('datadog', 'recovered');
    expect(alert).toMatchObject({ action: 'resolve', dedupKey: 'datadog/1234/host:ip-012345' });
  });

  it('still triggers and resolves one incident from the default payload alone, reading the title', async () => {
    const triggered = await alertFrom('datadog', 'default-payload-triggered');
    const recovered = await alertFrom('datadog', 'default-payload-recovered');
    expect(triggered).toMatchObject({
      action: 'trigger',
      summary: 'Host is Down on host:ip-012345',
      severity: 'error',
      source: 'Example Org',
    });
    expect(recovered.action).toBe('resolve');
    expect(recovered.dedupKey).toBe(triggered.dedupKey);
  });

  it('pages a Warn transition as a warning', async () => {
    const body = fixture('datadog', 'triggered') as Record<string, string>;
    Object.assign(body, { alert_transition: 'Warn', alert_type: 'warning' });
    expect(await alertFrom('datadog', 'triggered', body)).toMatchObject({
      action: 'trigger',
      severity: 'warning',
    });
  });
});

describe('Zabbix', () => {
  it('opens an incident for a problem, with its severity mapped and a link to the problem in Zabbix', async () => {
    const alert = await alertFrom('zabbix', 'problem');
    expect(alert).toMatchObject({
      action: 'trigger',
      summary: 'Linux: High CPU utilization (over 90% for 5m) on web-01',
      severity: 'error',
      dedupKey: 'zabbix/8812',
      source: 'web-01',
      links: [
        {
          href: 'https://zabbix.example.com/tr_events.php?triggerid=23110&eventid=8812',
          text: 'Zabbix problem',
        },
      ],
    });
  });

  it('acknowledges it when acknowledged in Zabbix and resolves it on recovery', async () => {
    expect(await alertFrom('zabbix', 'acknowledged')).toMatchObject({
      action: 'acknowledge',
      dedupKey: 'zabbix/8812',
    });
    expect(await alertFrom('zabbix', 'recovery')).toMatchObject({
      action: 'resolve',
      dedupKey: 'zabbix/8812',
    });
  });

  it('maps Disaster to critical, Average to warning and Information to info', async () => {
    const body = fixture('zabbix', 'problem') as Record<string, string>;
    const severity = async (n: string) =>
      (await alertFrom('zabbix', 'problem', { ...body, event_nseverity: n })).severity;
    expect([await severity('5'), await severity('3'), await severity('1')]).toEqual([
      'critical',
      'warning',
      'info',
    ]);
  });

  it('leaves the link out when {$ZABBIX.URL} is not set', async () => {
    const body = { ...(fixture('zabbix', 'problem') as object), zabbix_url: '{$ZABBIX.URL}' };
    expect((await alertFrom('zabbix', 'problem', body)).links).toEqual([]);
  });

  /** Runs the media type's script as Zabbix does: `value` is the parameters as JSON, HttpRequest posts. */
  function runScript(params: Record<string, unknown>, status = 202) {
    const posts: Array<{ url: string; body: string; headers: string[] }> = [];
    class HttpRequest {
      headers: string[] = [];
      addHeader(header: string) {
        this.headers.push(header);
      }
      post(url: string, body: string) {
        posts.push({ url, body, headers: this.headers });
        return status < 300 ? '{"status":"accepted"}' : '{"detail":"no"}';
      }
      getStatus() {
        return status;
      }
    }
    // Test-only: evaluating the shipped script text is the point; it never runs in the Worker.
    const script = new Function('value', 'HttpRequest', 'Zabbix', ZABBIX_MEDIA_SCRIPT);
    const result: unknown = script(JSON.stringify(params), HttpRequest, { log: () => {} });
    return { result, posts };
  }

  it("ships a media-type script that posts the parameters as the problem fixture, to the user media's Send to", () => {
    const body = fixture('zabbix', 'problem') as Record<string, unknown>;
    const url = 'https://firebell.example.com/hooks/custom/KEY';
    const params = { ...body, firebell_url: url, event_tags: JSON.stringify(body.event_tags) };
    const { result, posts } = runScript(params);
    expect(result).toBe('OK');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.url).toBe(url);
    expect(posts[0]?.headers).toEqual(['Content-Type: application/json']);
    expect(JSON.parse(posts[0]?.body ?? '')).toEqual(body);
  });

  it('makes the script fail, so Zabbix retries and shows why, when Send to is not a URL or Firebell refuses', () => {
    const body = fixture('zabbix', 'problem') as Record<string, unknown>;
    expect(() => runScript({ ...body, firebell_url: 'oncall@example.com' })).toThrow(/Send to/);
    expect(() => runScript({ ...body, firebell_url: 'https://f.example.com/h' }, 400)).toThrow(
      /Firebell answered 400/,
    );
  });

  it('puts the parameters and the script in its setup text and in docs/presets.md', () => {
    expect(preset('zabbix').setup).toContain('event_value = {EVENT.VALUE}');
    expect(preset('zabbix').setup).toContain(ZABBIX_MEDIA_SCRIPT);
    const doc = readFileSync(join(__dirname, '../../docs/presets.md'), 'utf8');
    expect(doc).toContain(ZABBIX_MEDIA_SCRIPT);
    expect(doc).toContain('| `event_value` | `{EVENT.VALUE}` |');
  });
});

describe('Netdata', () => {
  it('opens a critical incident for a critical alert, linked to the alert in Netdata Cloud', async () => {
    expect(await alertFrom('netdata', 'critical')).toMatchObject({
      action: 'trigger',
      summary: 'Critical: ram_in_use on web-01 is 96.8%',
      severity: 'critical',
      dedupKey: 'netdata/example-space/system.ram/ram_in_use',
      occurredAt: Date.parse('2026-11-30T21:14:05Z'),
      links: [
        {
          href: 'https://app.netdata.cloud/spaces/example-space/rooms/all-nodes/alerts/ram_in_use',
          text: 'Netdata alert',
        },
      ],
    });
  });

  it('resolves the same incident when the alert clears', async () => {
    expect(await alertFrom('netdata', 'clear')).toMatchObject({
      action: 'resolve',
      dedupKey: 'netdata/example-space/system.ram/ram_in_use',
    });
  });

  it('opens an incident for an unreachable node and resolves it when the node is reachable again', async () => {
    const down = await alertFrom('netdata', 'unreachable');
    const up = await alertFrom('netdata', 'reachable');
    expect(down).toMatchObject({
      action: 'trigger',
      severity: 'critical',
      source: 'web-01',
      dedupKey: 'netdata/reachability/web-01',
    });
    expect(up).toMatchObject({ action: 'resolve', dedupKey: down.dedupKey });
  });
});

describe('GitHub Actions', () => {
  it('opens an incident for a failed run on the default branch, per workflow and branch, linked to the run', async () => {
    expect(await alertFrom('github-actions', 'failure')).toMatchObject({
      action: 'trigger',
      summary: 'test failed on octo-org/octo-repo master',
      severity: 'error',
      dedupKey: 'github/octo-org/octo-repo/2823525/master',
      source: 'octo-org/octo-repo',
      occurredAt: Date.parse('2020-10-05T16:33:49Z'),
      links: [
        {
          href: 'https://github.com/octo-org/octo-repo/actions/runs/289782451',
          text: 'Workflow run',
        },
      ],
      details: { workflow: 'test', branch: 'master', conclusion: 'failure' },
    });
  });

  it('resolves it when the same workflow passes on the same branch', async () => {
    expect(await alertFrom('github-actions', 'success')).toMatchObject({
      action: 'resolve',
      dedupKey: 'github/octo-org/octo-repo/2823525/master',
    });
  });

  it('pages a failure on another branch as a warning, in its own incident', async () => {
    const body = fixture('github-actions', 'failure') as { workflow_run: { head_branch: string } };
    body.workflow_run.head_branch = 'feature/login';
    expect(await alertFrom('github-actions', 'failure', body)).toMatchObject({
      severity: 'warning',
      dedupKey: 'github/octo-org/octo-repo/2823525/feature/login',
    });
  });

  it('raises nothing for a requested run, nor for a cancelled one', async () => {
    expect((await map('github-actions', fixture('github-actions', 'requested'))).events).toEqual(
      [],
    );
    const cancelled = fixture('github-actions', 'failure') as {
      workflow_run: { conclusion: string };
    };
    cancelled.workflow_run.conclusion = 'cancelled';
    expect((await map('github-actions', cancelled)).events).toEqual([]);
  });
});

describe('GitLab pipelines', () => {
  it('opens an incident for a failed pipeline per project and branch, naming and linking the failed job', async () => {
    expect(await alertFrom('gitlab-pipeline', 'failed')).toMatchObject({
      action: 'trigger',
      summary: 'Pipeline failed on gitlab-org/gitlab-test master (test-build)',
      severity: 'error',
      dedupKey: 'gitlab/gitlab-org/gitlab-test/master',
      source: 'gitlab-org/gitlab-test',
      occurredAt: Date.parse('2016-08-12T15:26:29Z'),
      links: [
        { href: 'http://example.com/gitlab-org/gitlab-test/-/pipelines/31', text: 'Pipeline' },
        {
          href: 'http://192.168.64.1:3005/gitlab-org/gitlab-test/-/jobs/378',
          text: 'Failed job test-build',
        },
      ],
    });
  });

  it('resolves it when a pipeline on the same branch succeeds', async () => {
    expect(await alertFrom('gitlab-pipeline', 'success')).toMatchObject({
      action: 'resolve',
      dedupKey: 'gitlab/gitlab-org/gitlab-test/master',
    });
  });

  it('raises nothing while a pipeline runs', async () => {
    const result = await map('gitlab-pipeline', fixture('gitlab-pipeline', 'running'));
    expect(result.events).toEqual([]);
  });
});
