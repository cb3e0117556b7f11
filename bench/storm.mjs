/**
 * 5. Storm correctness.
 *   a) 1,000 PagerDuty triggers for 10 dedup keys, all sent at once over 100 connections (a reset connection is
 *      re-sent, as senders do): exactly 10 incidents, alert counts summing to 1,000.
 *   b) 2,000 Alertmanager alerts (one per notification) across 200 groups while the server is SIGKILLed (whole
 *      process group) and restarted midway; the sender retries 5xx and connection failures with backoff, as
 *      Alertmanager does (4xx are dropped for good, as Alertmanager does). Afterwards every alert that got a 2xx
 *      must be on its group's incident, each group on exactly one incident, no alert counted twice unless its
 *      first attempt died without an answer (at-least-once delivery makes that a legitimate duplicate).
 */
import http from 'node:http';
import { now, pool, postJson, round, sleep } from './lib.mjs';

async function incidentsOf(fb, serviceId) {
  const all = [];
  let cursor = null;
  do {
    const page = await fb.must(
      `/api/incidents?service=${serviceId}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    all.push(...page.incidents);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

export async function stormDedup(
  fb,
  { triggers = 1000, keys = 10, concurrency = 100, log = console.log } = {},
) {
  const { service, key } = await fb.integration('pagerduty', { name: 'storm-dedup' });
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const firstAttempt = {};
  let retried = 0;
  let notAcknowledged = 0;
  log(
    `  storm: ${triggers} triggers for ${keys} dedup keys, all sent at once over ${concurrency} connections …`,
  );
  const t0 = now();
  await Promise.all(
    Array.from({ length: triggers }, async (_, i) => {
      const body = {
        routing_key: key,
        event_action: 'trigger',
        dedup_key: `storm-${i % keys}`,
        payload: { summary: `Storm key ${i % keys}`, source: 'bench', severity: 'critical' },
      };
      // Retried on connection failures and 5xx, as every real sender does.
      const result = await deliver(agent, `${fb.origin}/v2/enqueue`, body);
      const first = result.attempts[0];
      const label = first.status ?? `error ${first.error}`;
      firstAttempt[label] = (firstAttempt[label] ?? 0) + 1;
      if (result.attempts.length > 1) retried += 1;
      if (!result.ok) notAcknowledged += 1;
    }),
  );
  const seconds = (now() - t0) / 1000;
  agent.destroy();
  const incidents = await incidentsOf(fb, service.id);
  const views = await Promise.all(incidents.map((i) => fb.must(`/api/incidents/${i.id}`)));
  const byKey = new Map();
  for (const v of views) byKey.set(v.incident.dedupKey, (byKey.get(v.incident.dedupKey) ?? 0) + 1);
  // Every trigger is one notification; alertCount counts distinct alerts (one per dedup key here) since 0006.
  const alertSum = views.reduce((a, v) => a + v.incident.notificationCount, 0);
  return {
    triggers,
    keys,
    concurrency,
    seconds: round(seconds),
    firstAttempt,
    retried,
    notAcknowledged,
    incidents: incidents.length,
    keysWithMoreThanOneIncident: [...byKey.values()].filter((n) => n > 1).length,
    alertCountSum: alertSum,
    ok: incidents.length === keys && alertSum === triggers && notAcknowledged === 0,
  };
}

/** Alertmanager-style delivery: retry 5xx and connection failures with exponential backoff and jitter. */
async function deliver(
  agent,
  url,
  body,
  { maxElapsedMs = 30_000, initialMs = 100, maxMs = 2_000 } = {},
) {
  const started = now();
  const attempts = [];
  let wait = initialMs;
  for (;;) {
    let outcome;
    try {
      const res = await postJson(agent, url, body);
      outcome = { status: res.status };
    } catch (err) {
      // ECONNREFUSED: nothing was sent. ECONNRESET / socket hang up: the request may have been applied.
      outcome = { error: err.code ?? err.message, ambiguous: err.code !== 'ECONNREFUSED' };
    }
    attempts.push(outcome);
    if (outcome.status >= 200 && outcome.status < 300) return { ok: true, attempts };
    if (outcome.status >= 400 && outcome.status < 500)
      return { ok: false, dropped: true, attempts };
    if (outcome.status >= 500) outcome.ambiguous = true; // a 5xx after the router may have applied it
    if (now() - started > maxElapsedMs) return { ok: false, attempts };
    await sleep(wait * (0.5 + Math.random()));
    wait = Math.min(maxMs, wait * 2);
  }
}

export async function stormRestart(
  fb,
  { alerts = 2000, groups = 200, concurrency = 16, killAfter = 1000, log = console.log } = {},
) {
  const { service, url } = await fb.integration('alertmanager', { name: 'storm-restart' });
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const results = new Array(alerts);
  let acked = 0;
  let killedAt = null;
  let restartedAfterMs = null;
  let restart = null;
  log(
    `  storm: ${alerts} alerts across ${groups} groups, SIGKILL + restart after ~${killAfter} acknowledged …`,
  );
  const t0 = now();
  await pool(alerts, concurrency, async (i) => {
    const group = `storm-group-${i % groups}`;
    const body = {
      version: '4',
      groupKey: `{}:{alertname="Storm", group="${group}"}`,
      status: 'firing',
      receiver: 'firebell',
      groupLabels: { alertname: 'Storm', group },
      commonLabels: { alertname: 'Storm', group },
      commonAnnotations: {},
      externalURL: 'http://alertmanager.bench',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'Storm', group, n: String(i) },
          annotations: { summary: `Storm alert ${i}` },
          startsAt: new Date().toISOString(),
          fingerprint: `fp${i}`,
        },
      ],
    };
    results[i] = {
      group: body.groupKey,
      fingerprint: `fp${i}`,
      ...(await deliver(agent, url, body)),
    };
    if (results[i].ok) acked += 1;
    if (acked >= killAfter && !restart) {
      killedAt = now() - t0;
      restart = (async () => {
        const down = now();
        await fb.stop('SIGKILL');
        await fb.boot();
        restartedAfterMs = now() - down;
      })();
    }
  });
  await restart;
  const seconds = (now() - t0) / 1000;
  agent.destroy();

  const incidents = await incidentsOf(fb, service.id);
  const views = await Promise.all(incidents.map((i) => fb.must(`/api/incidents/${i.id}`)));
  const incidentsPerGroup = new Map();
  const countOf = new Map(); // fingerprint → times counted across all incidents
  for (const v of views) {
    incidentsPerGroup.set(
      v.incident.dedupKey,
      (incidentsPerGroup.get(v.incident.dedupKey) ?? 0) + 1,
    );
    for (const a of v.alerts) countOf.set(a.labels?.n, (countOf.get(a.labels?.n) ?? 0) + a.count);
  }
  let lost = 0;
  let countedTwiceExplained = 0;
  let countedTwiceUnexplained = 0;
  let notAcked = 0;
  let dropped = 0;
  let retried = 0;
  for (let i = 0; i < alerts; i += 1) {
    const r = results[i];
    const counted = countOf.get(String(i)) ?? 0;
    if (r.attempts.length > 1) retried += 1;
    if (!r.ok) {
      notAcked += 1;
      if (r.dropped) dropped += 1;
      continue;
    }
    if (counted === 0) lost += 1;
    else if (counted > 1) {
      const ambiguousAttempts = r.attempts.filter((a) => a.ambiguous).length;
      if (counted - 1 <= ambiguousAttempts) countedTwiceExplained += 1;
      else countedTwiceUnexplained += 1;
    }
  }
  return {
    alerts,
    groups,
    seconds: round(seconds),
    killedAtMs: round(killedAt, 0),
    restartMs: round(restartedAfterMs, 0),
    acknowledged: alerts - notAcked,
    retried,
    notAcknowledged: notAcked,
    droppedOn4xx: dropped,
    incidents: incidents.length,
    groupsWithMoreThanOneIncident: [...incidentsPerGroup.values()].filter((n) => n > 1).length,
    lost,
    countedTwiceAfterAmbiguousFailure: countedTwiceExplained,
    countedTwiceOtherwise: countedTwiceUnexplained,
    ok:
      lost === 0 && countedTwiceUnexplained === 0 && incidents.length === groups && notAcked === 0,
  };
}
