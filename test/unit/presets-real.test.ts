/**
 * The Monit, Nagios and Icinga 2 ready-made mappings against requests captured from the real programs
 * (test/fixtures/monitors/<id>/SOURCE.md), and their setup text against the configs the end-to-end test runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mappingPresetSchema } from '../../schema/mapping-schemas';
import { applyMapping } from '../../worker/mapping/apply';
import { mappingErrors } from '../../worker/mapping/check';
import { MAPPING_PRESETS } from '../../worker/mapping/presets/index';
import { ICINGA2_COMMAND, icinga2 } from '../../worker/mapping/presets/icinga2';
import { MONIT_EXEC, monit } from '../../worker/mapping/presets/monit';
import { NAGIOS_COMMAND_LINE, nagios } from '../../worker/mapping/presets/nagios';

const FIXTURES = join(import.meta.dirname, '../fixtures/monitors');
const CONFIGS = join(import.meta.dirname, '../e2e/monitors');

/** A request as it arrived (`<name>.http`: request line, headers, blank line, body). */
interface Captured {
  method: string;
  headers: Record<string, string>;
  body: string;
}
const captured = (id: string, name: string): Captured => {
  const text = readFileSync(join(FIXTURES, id, `${name}.http`), 'utf8');
  const [head = '', body = ''] = text.split('\n\n');
  const [requestLine = '', ...headerLines] = head.split('\n');
  const headers = Object.fromEntries(
    headerLines.map((l) => [
      l.slice(0, l.indexOf(':')).toLowerCase(),
      l.slice(l.indexOf(':') + 1).trim(),
    ]),
  );
  return { method: requestLine.split(' ')[0] ?? '', headers, body: body.replace(/\n$/, '') };
};
/** A form body as the custom hook hands it to the mapping: one string field per name. */
const fields = (c: Captured) => Object.fromEntries(new URLSearchParams(c.body));
const mapCaptured = async (preset: typeof monit, name: string) => {
  const result = await applyMapping(preset.mapping, fields(captured(preset.id, name)), {
    integrationName: preset.name,
  });
  expect(result.notes, `${preset.id}/${name} maps without a fallback`).toEqual([]);
  expect(result.events).toHaveLength(1);
  return result.events[0]!;
};

describe.each([monit, nagios, icinga2])('the $name preset', (preset) => {
  it('is a valid preset whose expressions all parse, listed with the ready-made mappings', () => {
    expect(mappingPresetSchema.safeParse(preset).success).toBe(true);
    expect(mappingErrors(preset.mapping)).toEqual([]);
    expect(MAPPING_PRESETS).toContain(preset);
  });

  it('has fixtures that are form posts captured from curl, each beside the fields the mapping reads', () => {
    const files = readdirSync(join(FIXTURES, preset.id));
    expect(files).toContain('SOURCE.md');
    const requests = files.filter((f) => f.endsWith('.http'));
    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (const file of requests) {
      const name = file.slice(0, -'.http'.length);
      const c = captured(preset.id, name);
      expect(c.method).toBe('POST');
      expect(c.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(c.headers['user-agent']).toMatch(/^curl\//);
      // <name>.json is that form decoded, as the custom hook reads it (worker/mapping/body.ts).
      const decoded: unknown = JSON.parse(
        readFileSync(join(FIXTURES, preset.id, `${name}.json`), 'utf8'),
      );
      expect(decoded, name).toEqual(fields(c));
    }
  });
});

describe('Monit, through its exec action', () => {
  it('tells the SRE the exact exec command the end-to-end monitrc runs', () => {
    const monitrc = readFileSync(join(CONFIGS, 'monitrc'), 'utf8');
    expect(monit.setup).toContain(MONIT_EXEC);
    // Every exec in the tested config is that command, for failures and recoveries alike.
    const execs = [...monitrc.matchAll(/exec "(.*)"$/gm)].map((m) => m[1]);
    expect(execs).toHaveLength(4);
    for (const exec of execs) expect(exec).toBe(MONIT_EXEC);
  });

  it('opens a critical alert when a checked file does not exist, and resolves it when it exists again', async () => {
    const failed = await mapCaptured(monit, 'does-not-exist');
    expect(failed).toMatchObject({
      action: 'trigger',
      severity: 'critical',
      summary: "app-ready on vm: file doesn't exist",
      source: 'vm',
      dedupKey: 'vm/app-ready',
    });
    const back = await mapCaptured(monit, 'exists');
    expect(back).toMatchObject({ action: 'resolve', dedupKey: failed.dedupKey });
  });

  it('opens an error alert when a program check fails, with its output, and resolves it on success', async () => {
    const failed = await mapCaptured(monit, 'status-failed');
    expect(failed).toMatchObject({
      action: 'trigger',
      severity: 'error',
      summary: 'disk-probe on vm: status failed (2) -- disk /var at 97% (limit 90%)',
      dedupKey: 'vm/disk-probe',
    });
    // The whole post is kept as the alert's details.
    expect(failed.details).toMatchObject({ event: 'Status failed', host: 'vm' });
    const back = await mapCaptured(monit, 'status-succeeded');
    expect(back).toMatchObject({ action: 'resolve', dedupKey: failed.dedupKey });
  });

  it.each([
    ['Resource limit matched', 'trigger', 'warning'],
    ['Connection failed', 'trigger', 'critical'],
    ['Checksum failed', 'trigger', 'error'],
    ['Resource limit succeeded', 'resolve'],
    ['Connection succeeded', 'resolve'],
    ['Timeout recovery', 'resolve'],
    ['Link up', 'resolve'],
    ['Download bytes ok', 'resolve'],
  ])('maps the Monit event "%s" to %s', async (event, action, severity?: string) => {
    const body = { ...fields(captured('monit', 'status-failed')), event };
    const { events, notes } = await applyMapping(monit.mapping, body, { integrationName: 'Monit' });
    expect(notes).toEqual([]);
    expect(events[0]?.action).toBe(action);
    if (severity) expect(events[0]?.severity).toBe(severity);
  });
});

describe('Nagios, through a notification command', () => {
  it('tells the SRE the exact command_line the end-to-end objects.cfg runs', () => {
    const objects = readFileSync(join(CONFIGS, 'objects.cfg'), 'utf8');
    expect(nagios.setup).toContain(`command_line ${NAGIOS_COMMAND_LINE}`);
    expect(objects).toContain(`command_line ${NAGIOS_COMMAND_LINE}\n`);
  });
});

describe('Icinga 2, through a NotificationCommand', () => {
  it('tells the SRE the exact command the end-to-end icinga2.conf runs', () => {
    const conf = readFileSync(join(CONFIGS, 'icinga2.conf'), 'utf8');
    expect(icinga2.setup).toContain(ICINGA2_COMMAND);
    expect(conf).toContain(`  ${ICINGA2_COMMAND}\n`);
  });

  it('posts the same fields as Nagios, so it reads with the same mapping', () => {
    const names = (id: string) => [...new URLSearchParams(captured(id, 'recovery').body).keys()];
    expect(names('icinga2')).toEqual(names('nagios'));
    expect(icinga2.mapping).toEqual(nagios.mapping);
  });
});

describe.each([nagios, icinga2])('$name notifications', (preset) => {
  it('open one incident per host and service, its severity from the service state', async () => {
    const critical = await mapCaptured(preset, 'problem-critical');
    expect(critical).toMatchObject({
      action: 'trigger',
      severity: 'critical',
      summary: expect.stringMatching(
        /^web-1\/disk is CRITICAL: DISK CRITICAL - free space: \/var 310 MB \(3% inode=81%\)[:;]$/,
      ),
      source: 'web-1',
      dedupKey: 'web-1/disk',
    });
    // When the state changed (epoch seconds), not when the notification went out.
    const changed = Number(fields(captured(preset.id, 'problem-critical')).changed);
    expect(critical.occurredAt).toBe(changed * 1000);

    const warning = await mapCaptured(preset, 'problem-warning');
    expect(warning).toMatchObject({
      action: 'trigger',
      severity: 'warning',
      dedupKey: 'web-1/disk',
    });
    const unknown = await mapCaptured(preset, 'problem-unknown');
    expect(unknown).toMatchObject({ action: 'trigger', severity: 'error', dedupKey: 'web-1/disk' });
  });

  it('acknowledge on an ACKNOWLEDGEMENT and resolve on a RECOVERY', async () => {
    const ack = await mapCaptured(preset, 'acknowledgement');
    expect(ack).toMatchObject({ action: 'acknowledge', dedupKey: 'web-1/disk' });
    const recovery = await mapCaptured(preset, 'recovery');
    expect(recovery).toMatchObject({ action: 'resolve', dedupKey: 'web-1/disk' });
  });

  it('still page on a notification type the map does not know, and say so', async () => {
    const body = { ...fields(captured(preset.id, 'problem-critical')), type: 'CUSTOM' };
    const { events, notes } = await applyMapping(preset.mapping, body, {
      integrationName: preset.name,
    });
    expect(events[0]?.action).toBe('trigger');
    expect(notes.join(' ')).toMatch(/action: .*"CUSTOM"/);
  });
});
