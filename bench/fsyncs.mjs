#!/usr/bin/env node
/**
 * Disk syncs and CPU per alert, counted inside workerd (diagnostic; not part of `npm run bench`):
 *   node bench/fsyncs.mjs [root=this tree] [alerts=20]
 * Serves `root` as bench/ingest.mjs's section does (a service paged by a one-level policy, a PagerDuty key),
 * warms both paths up, then sends `alerts` duplicates and `alerts` new-incident triggers one at a time under
 * `strace -f -y -e trace=fsync,fdatasync` on workerd, and prints per alert the syncs by file (which Durable
 * Object class or D1) and workerd's CPU ms. Counts, not timings: the machine's load does not move them.
 * FSYNC_PUSH=1: the responder has a push device (at a local push-service stand-in), so each page is a real push.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { Firebell, ROOT, groupCpuMs, sleep, until } from './lib.mjs';
import { addPhone, startPushService } from './push-service.mjs';

const root = process.argv[2] ?? ROOT;
const alerts = Number(process.argv[3] ?? 20);
const push = process.env.FSYNC_PUSH ? await startPushService() : null;
const fb = await Firebell.start(push ? { ALLOW_INSECURE_PUSH: 'true' } : {}, root);
let strace;
try {
  const { service, responder } = await fb.pagedService('syncs', 'Sync Responder');
  if (push) await addPhone(fb, responder, push);
  const { key } = await fb.must(`/api/services/${service.id}/integrations`, {
    body: { type: 'pagerduty', ratePerMinute: 10_000 },
  });
  const send = async (dedup) => {
    const res = await fetch(`${fb.origin}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        routing_key: key,
        event_action: 'trigger',
        dedup_key: dedup,
        payload: { summary: `Sync ${dedup}`, source: 'bench', severity: 'critical' },
      }),
    });
    await res.text();
    if (res.status !== 202) throw new Error(`${dedup} → ${res.status}`);
  };
  for (let i = 0; i < 5; i += 1) await send(`warm-${i}`);
  for (let i = 0; i < 5; i += 1) await send('shared');
  await sleep(1500);

  const workerd = readdirSync('/proc').find((p) => {
    if (!/^\d+$/.test(p)) return false;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[2]) === fb.pid && stat.includes('(workerd)');
    } catch {
      return false;
    }
  });
  let out = '';
  strace = spawn('strace', ['-f', '-y', '-e', 'trace=fsync,fdatasync', '-p', workerd], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  strace.stderr.on('data', (d) => (out += d.toString()));
  await until(() => /attached/.test(out) || undefined, 'strace to attach', 10_000);
  await sleep(300);

  // Which object class (or D1) a synced file belongs to, and which file: its WAL (a commit), the class's
  // metadata.sqlite (alarms), or the creation of a new object's database (journal, .sqlite, directory).
  const kindOf = (path) => {
    if (/D1Database/i.test(path)) return 'D1';
    const m = /firebell-([A-Za-z]+)(\/(.*))?$/.exec(path);
    if (!m) return path.replace(/.*state\//, '');
    const file = m[3] ?? '';
    const what = !file
      ? 'create'
      : file.startsWith('metadata')
        ? 'alarm'
        : file.endsWith('-wal')
          ? 'commit'
          : 'create';
    return `${m[1]} ${what}`;
  };
  const measure = async (name, dedupOf) => {
    const from = out.length;
    const cpu = groupCpuMs(fb.pid, 'workerd');
    for (let i = 0; i < alerts; i += 1) await send(dedupOf(i));
    await sleep(1500); // the work after the answer (page, index, feed) settles
    const ms = groupCpuMs(fb.pid, 'workerd') - cpu - 0; // includes the 1.5 s idle tail (≈0)
    const by = {};
    let total = 0;
    for (const line of out.slice(from).split('\n')) {
      const m = /f(?:data)?sync\(\d+<([^>]+)>\) = /.exec(line);
      if (!m) continue;
      const k = kindOf(m[1]);
      by[k] = (by[k] ?? 0) + 1;
      total += 1;
    }
    const per = Object.entries(by)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${(n / alerts).toFixed(2)}`)
      .join(', ');
    console.log(
      `${name}: ${(total / alerts).toFixed(2)} fsync/alert (${per}); workerd CPU ${(ms / alerts).toFixed(2)} ms/alert`,
    );
  };
  const run = Math.random().toString(36).slice(2, 8);
  await measure('duplicate', () => 'shared');
  await measure('new incident', (i) => `new-${run}-${i}`);
  if (process.env.FSYNC_DUMP) console.log(out.split('\n').slice(-60).join('\n'));
} finally {
  strace?.kill('SIGINT');
  await fb.dispose();
  await push?.close();
}
