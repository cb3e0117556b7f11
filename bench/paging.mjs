/**
 * 2. Alert-to-page latency: webhook sent → encrypted push request arriving at a local push-service stand-in.
 * 4. Escalation timing: how late "Escalated to level 2" lands after its due time.
 * Both need Firebell started with ALLOW_INSECURE_PUSH=true (push endpoints on http://127.0.0.1).
 */
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { Firebell, now, postJson, round, sleep, standalone, summary, until } from './lib.mjs';
import { addPhone, startPushService, verifyVapid } from './push-service.mjs';

/** Send `count` requests at a steady `perSecond`, never waiting for answers; resolves when all have answered. */
async function steady(count, perSecond, send) {
  const interval = 1000 / perSecond;
  const start = now();
  const inflight = [];
  for (let i = 0; i < count; i += 1) {
    const wait = start + i * interval - now();
    if (wait > 0) await sleep(wait);
    inflight.push(send(i));
  }
  return Promise.all(inflight);
}

export async function benchAlertToPage(
  fb,
  push,
  { count = 300, perSecond = 10, log = console.log, prepare, warmedUp, stages = false } = {},
) {
  const { publicKey } = await fb.must('/api/push/vapid-public-key');
  const user = await fb.user('Paged Responder');
  const keys = await addPhone(fb, user, push);
  const { policy } = await fb.must('/api/policies', {
    body: {
      name: 'Bench paging',
      levels: [{ delayMinutes: 60, targets: [{ type: 'user', id: user.id }] }],
    },
  });
  const { service, key } = await fb.integration('pagerduty', {
    policyId: policy.id,
    name: 'bench-paging',
  });
  // E.g. bench/webhooks.mjs subscribes webhooks to this service, to show they do not delay its pages.
  await prepare?.(service);

  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const url = `${fb.origin}/v2/enqueue`;
  const run = Math.random().toString(36).slice(2, 8);
  const sentAt = new Array(count);
  const statuses = {};
  const before = push.received.length;
  // One warm-up page so the first measured one does not pay for compiling the paging path.
  await postJson(agent, url, {
    routing_key: key,
    event_action: 'trigger',
    dedup_key: `warm-${run}`,
    payload: { summary: 'Warm-up', source: 'bench', severity: 'critical' },
  });
  await until(() => push.received.length > before || undefined, 'the warm-up page', 10_000);
  // E.g. bench/webhooks.mjs waits for the warm-up incident's webhook deliveries before measuring.
  await warmedUp?.();
  const first = push.received.length;

  log(`  alert-to-page: ${count} triggers at ${perSecond}/s …`);
  await steady(count, perSecond, async (i) => {
    const body = JSON.stringify({
      routing_key: key,
      event_action: 'trigger',
      dedup_key: `page-${run}-${i}`,
      payload: { summary: `Page bench ${run} #${i}`, source: 'bench', severity: 'critical' },
    });
    sentAt[i] = now();
    const res = await postJson(agent, url, body).catch((err) => ({
      status: `error ${err.code ?? err.message}`,
    }));
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  });
  await until(
    () => push.received.length - first >= count || undefined,
    `${count} pages to arrive`,
    15_000,
  ).catch(() => undefined);
  agent.destroy();

  // Decrypt every page (after the run, so decryption never delays an arrival) and match it to its trigger.
  const latencies = [];
  const pages = []; // { i, incidentId, arrivedAt } for `stages`
  let undecryptable = 0;
  let unmatched = 0;
  const seen = new Set();
  for (const msg of push.received.slice(first)) {
    let payload;
    try {
      payload = JSON.parse(keys.decrypt(msg.body));
    } catch {
      undecryptable += 1;
      continue;
    }
    const m = new RegExp(`Page bench ${run} #(\\d+)$`).exec(payload.title ?? '');
    if (!m || seen.has(m[1])) {
      unmatched += 1;
      continue;
    }
    seen.add(m[1]);
    latencies.push(msg.arrivedAt - sentAt[Number(m[1])]);
    const incidentId = decodeURIComponent(
      /\/incidents\/([^/?#]+)/.exec(payload.url ?? '')?.[1] ?? '',
    );
    pages.push({ i: Number(m[1]), incidentId, arrivedAt: msg.arrivedAt });
  }
  const sample = push.received[first];
  const vapid = sample
    ? await verifyVapid(
        sample.headers.authorization,
        publicKey,
        new URL(push.origin.replace(/^http:/, 'https:')).origin,
      )
    : { ok: false, why: 'no page arrived' };
  const decrypted = sample ? JSON.parse(keys.decrypt(sample.body)) : null;
  return {
    ...(stages ? { stages: await pageStages(fb, pages, sentAt) } : {}),
    sent: count,
    perSecond,
    statuses,
    pagesArrived: push.received.length - first,
    matched: latencies.length,
    missing: count - latencies.length,
    undecryptable,
    unmatched,
    latencyMs: summary(latencies, [50, 95, 99]),
    // Every page's latency, so interleaved runs can be summarised together (bench/run.mjs).
    samplesMs: latencies.map((ms) => round(ms, 2)),
    proof: {
      vapid: vapid.ok
        ? `ES256 JWT verified, aud ${vapid.claims.aud}`
        : `NOT verified: ${vapid.why}`,
      encoding: sample?.headers['content-encoding'] ?? null,
      bodyBytes: sample?.body.length ?? 0,
      decrypted: decrypted && {
        kind: decrypted.kind,
        title: decrypted.title,
        body: decrypted.body,
        url: decrypted.url,
      },
    },
  };
}

/**
 * The alert → page target's floor, paced as the pages are: `count` new-incident triggers at `perSecond` to the
 * calibration's two-hop shape ("router hop, then a new Durable Object + insert"), time until each is answered.
 * bench/run.mjs alternates it with runs of benchAlertToPage, so both see the machine in the same state.
 */
export async function calibrationAlertPace(
  cal,
  { count = 100, perSecond = 10, log = console.log } = {},
) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const run = Math.random().toString(36).slice(2, 8);
  const url = `${cal.origin}/v2/new2`;
  const body = (i) =>
    JSON.stringify({
      routing_key: 'calibration',
      event_action: 'trigger',
      dedup_key: `pace-${run}-${i}`,
      payload: { summary: `Pace ${run} #${i}`, source: 'bench', severity: 'critical' },
    });
  await postJson(agent, url, body('warm'));
  log(`  two-hop calibration: ${count} triggers at ${perSecond}/s …`);
  const latencies = [];
  const statuses = {};
  try {
    await steady(count, perSecond, async (i) => {
      const sentAt = now();
      const res = await postJson(agent, url, body(i)).catch((err) => ({
        status: `error ${err.code ?? err.message}`,
      }));
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 202) latencies.push(now() - sentAt);
    });
  } finally {
    agent.destroy();
  }
  return {
    sent: count,
    perSecond,
    statuses,
    missing: count - latencies.length,
    latencyMs: summary(latencies, [50, 95, 99]),
    samplesMs: latencies.map((ms) => round(ms, 2)),
  };
}

/**
 * Where each page's time went, from its incident's own timestamps (same machine, same clock): alert sent →
 * incident opened (intake: the router, the incident number and runbook reads; `createdAt`), then opened →
 * push arriving (the rest of opening, the alarm firing, the policy, on-call, rules and device reads, the
 * encrypted push request). Per stage p50 / p99, and the split of the five slowest pages.
 */
async function pageStages(fb, pages, sentAt) {
  const epoch = (t) => performance.timeOrigin + t;
  const rows = [];
  for (const p of pages) {
    const view = await fb.api(`/api/incidents/${p.incidentId}`).catch(() => null);
    const incident = view?.body?.incident;
    if (!incident) continue;
    const sent = epoch(sentAt[p.i]);
    const arrived = epoch(p.arrivedAt);
    rows.push({
      i: p.i,
      total: round(arrived - sent),
      intake: round(incident.createdAt - sent),
      openedToPush: round(arrived - incident.createdAt),
    });
  }
  const stage = (k) =>
    summary(
      rows.map((r) => r[k]),
      [50, 99],
    );
  const stage2 = (some, k) =>
    summary(
      some.map((r) => r[k]),
      [50, 99],
    );
  return {
    pages: rows.length,
    intake: stage('intake'),
    openedToPush: stage('openedToPush'),
    slowest: [...rows].sort((a, b) => b.total - a.total).slice(0, 5),
    // Pages 0–2 of the run: what meets the warm-up's after-effects (e.g. its hand-over to new webhook queues).
    firstPages: rows.filter((r) => r.i < 3).map((r) => r.total),
    // Intake p99 over the run's first 10 pages and the rest: a burst at the start (new queues' first sends)
    // shows in the first, load spread over the run in the second.
    intakeFirst10: stage2(
      rows.filter((r) => r.i < 10),
      'intake',
    ),
    intakeRest: stage2(
      rows.filter((r) => r.i >= 10),
      'intake',
    ),
  };
}

const escalatedTo = (timeline, level) =>
  timeline.find((e) => e.text.startsWith(`Escalated to level ${level}:`));

/**
 * 4. Escalation lateness: `count` incidents at `perSecond`, each escalating to level 2 after `delayMinutes`.
 * Lateness is against the time the scheduler had the step due (`dueAt` on the "Escalated to level 2" entry), to
 * two moments: the entry's own stamp (written after the sending), and, given `push`, the level-2 page arriving
 * at the push stand-in (the moment a responder's phone could ring). Due times are `1000 / perSecond` ms apart,
 * so the steps do not all fall due at once; those due while triggers are still arriving (each opening a new
 * incident on the same single workerd thread) are also summarised apart from those due after.
 */
export async function benchEscalation(
  fb,
  {
    count = 30,
    perSecond = 10,
    delayMinutes = 0.02,
    log = console.log,
    push,
    name = 'bench-escalation',
  } = {},
) {
  const first = await fb.user('Level One');
  const second = await fb.user('Level Two');
  const keys = push && (await addPhone(fb, second, push));
  const { policy } = await fb.must('/api/policies', {
    body: {
      name: 'Bench escalation',
      levels: [
        { delayMinutes, targets: [{ type: 'user', id: first.id }] },
        { delayMinutes: 60, targets: [{ type: 'user', id: second.id }] },
      ],
    },
  });
  const { service, key } = await fb.integration('pagerduty', { policyId: policy.id, name });
  const pushedBefore = push?.received.length ?? 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  log(`  escalation: ${count} incidents, level delay ${delayMinutes * 60_000} ms …`);
  await steady(count, perSecond, (i) =>
    postJson(agent, `${fb.origin}/v2/enqueue`, {
      routing_key: key,
      event_action: 'trigger',
      dedup_key: `esc-${i}`,
      payload: { summary: `Escalation bench #${i}`, source: 'bench', severity: 'critical' },
    }),
  );
  const intakeEnded = epoch(now());
  agent.destroy();
  const delayMs = delayMinutes * 60_000;
  // workerd's CPU over the steps (load-independent where latency is not): from just before the first step is due
  // to just after the last, when they all fall due after the triggers.
  let stepCpuMs = null;
  if (delayMs >= 1000 + (count / perSecond) * 1000 - 100) {
    await sleep(800);
    const cpu0 = fb.workerdCpuMs();
    await sleep(delayMs - 300);
    stepCpuMs = round((fb.workerdCpuMs() - cpu0) / count);
  } else await sleep(delayMs + 500);
  const ids = await until(
    async () => {
      const { incidents } = await fb.must(`/api/incidents?service=${service.id}&limit=200`);
      return incidents.length >= count ? incidents.map((i) => i.id) : undefined;
    },
    `${count} escalation incidents`,
    10_000,
  );
  if (push)
    await until(
      () => push.received.length - pushedBefore >= ids.length || undefined,
      `${ids.length} level-2 pages`,
      10_000,
    ).catch(() => undefined);
  // The level-2 page's arrival per incident, from its decrypted payload's link.
  const arrived = new Map();
  for (const msg of push?.received.slice(pushedBefore) ?? []) {
    if (msg.path !== `/push/${second.id}`) continue;
    try {
      const payload = JSON.parse(keys.decrypt(msg.body));
      const id = decodeURIComponent(/\/incidents\/([^/?#]+)/.exec(payload.url ?? '')?.[1] ?? '');
      if (id && !arrived.has(id)) arrived.set(id, epoch(msg.arrivedAt));
    } catch {
      // not ours
    }
  }
  const lateness = [];
  const pushLateness = [];
  const split = { duringIntake: [], afterIntake: [] };
  const stepsMissing = [];
  for (const id of ids) {
    const view = await until(
      async () => {
        const v = await fb.must(`/api/incidents/${id}`);
        return escalatedTo(v.timeline, 2) ? v : undefined;
      },
      `level 2 on ${id}`,
      10_000,
    ).catch(() => null);
    const l1 = view && escalatedTo(view.timeline, 1);
    const l2 = view && escalatedTo(view.timeline, 2);
    if (!l1 || !l2 || (push && !arrived.has(id))) {
      stepsMissing.push(l2 ? 'no push' : 'no level 2');
      continue;
    }
    // Due = the time the scheduler had the step due (recorded on the entry); older builds: level 1's stamp + delay.
    const due = l2.data?.dueAt ?? l1.at + delayMs;
    lateness.push(l2.at - due);
    if (push) {
      const late = arrived.get(id) - due;
      pushLateness.push(late);
      split[due < intakeEnded ? 'duringIntake' : 'afterIntake'].push(late);
    }
  }
  return {
    incidents: ids.length,
    expected: count,
    delayMs,
    stepsMissing: stepsMissing.length,
    ...(stepsMissing.length ? { missingWhy: stepsMissing.slice(0, 5) } : {}),
    // The verdict's figure: the page arriving when there is a push stand-in, else the entry's stamp.
    latenessMs: summary(push ? pushLateness : lateness, [50, 99]),
    ...(stepCpuMs === null ? {} : { workerdCpuMsPerStep: stepCpuMs }),
    minMs: lateness.length ? round(Math.min(...(push ? pushLateness : lateness))) : null,
    ...(push
      ? {
          measuredTo: 'level-2 push request arriving',
          entryStampLatenessMs: summary(lateness, [50, 99]),
          dueDuringIntakeMs: summary(split.duringIntake, [50, 99]),
          dueAfterIntakeMs: summary(split.afterIntake, [50, 99]),
        }
      : { measuredTo: 'the level-2 entry stamp' }),
  };
}

/**
 * Section 4 as `npm run bench` runs it (about 35 s): 100 steps due 100 ms apart after the triggers (the verdict),
 * then 30 due while triggers still arrive, as the section always ran: each new incident costs the one workerd
 * thread about 18 ms, and a step due meanwhile waits behind it (on Cloudflare they run on separate threads).
 */
export async function benchEscalationSection(fb, push, log) {
  const escalation = await benchEscalation(fb, {
    count: 100,
    perSecond: 10,
    delayMinutes: dueAfterIntake(100, 10),
    log,
    push,
  });
  const underIntake = await benchEscalation(fb, {
    count: 30,
    perSecond: 10,
    delayMinutes: 0.02,
    log,
    push,
    name: 'bench-escalation-intake',
  });
  return { ...escalation, underIntake };
}

/**
 * A level delay that makes every step fall due after the last trigger (1 s after it), still `1000 / perSecond`
 * ms apart: the scheduler's own precision, without the openings of later incidents queued on the same thread.
 */
export const dueAfterIntake = (count, perSecond) => (count / perSecond + 1) / 60;

/** A bench clock reading (performance.now()) as epoch milliseconds, comparable with the Worker's Date.now(). */
const epoch = (t) => performance.timeOrigin + t;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Section 4 alone: `node bench/paging.mjs` (after `npm run build`). ESC_RUNS repeats it; ESC_COUNT, ESC_RATE
  // and ESC_DELAY_MIN run one phase of that shape instead of the section's two.
  const { log, done } = standalone('paging.mjs', 300);
  const push = await startPushService();
  const fb = await Firebell.start({ ALLOW_INSECURE_PUSH: 'true', ALLOW_INSECURE_OUTBOUND: 'true' });
  try {
    for (let run = 0; run < Number(process.env.ESC_RUNS ?? 1); run++) {
      const started = Date.now();
      const result = process.env.ESC_COUNT
        ? await benchEscalation(fb, {
            count: Number(process.env.ESC_COUNT),
            perSecond: Number(process.env.ESC_RATE ?? 10),
            delayMinutes: Number(process.env.ESC_DELAY_MIN ?? 0.02),
            log,
            push,
          })
        : await benchEscalationSection(fb, push, log);
      console.log(JSON.stringify({ ...result, seconds: (Date.now() - started) / 1000 }));
    }
  } finally {
    if (process.env.ESC_TRACE)
      (await import('node:fs')).writeFileSync(process.env.ESC_TRACE, fb.output);
    await fb.dispose();
    await push.close();
    done();
  }
}
