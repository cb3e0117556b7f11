/**
 * 3. Live fan-out: N WebSocket viewers on one incident's live room; a state-changing command is sent
 * over HTTP; time from sending it until every viewer has the timeline event. Arrival is stamped before
 * any parsing (a prefix check only), so the client adds as little as it can. The same measurement runs
 * against the calibration Worker's bare hibernating-socket room, in the same run, for reference.
 */
import http from 'node:http';
import { PerformanceObserver } from 'node:perf_hooks';
import WebSocket from 'ws';
import { now, postJson, round, sleep, summary } from './lib.mjs';

const EVENT_PREFIX = '{"type":"event"';
// acknowledge → resolve → reopen → acknowledge …: every round changes the incident's state.
const CYCLE = ['acknowledge', 'resolve', 'reopen'];

async function connectAll(url, headers, count, concurrency = 50) {
  const sockets = [];
  let next = 0;
  async function one() {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    ws.arrived = -1;
    ws.on('message', (data) => {
      if (
        ws.waiting &&
        data.length > EVENT_PREFIX.length &&
        data.toString('latin1', 0, EVENT_PREFIX.length) === EVENT_PREFIX
      ) {
        ws.arrived = now();
        ws.waiting = false;
        ws.round.pending -= 1;
        if (ws.round.pending === 0) ws.round.done();
      }
    });
    await new Promise((resolve, reject) => {
      const snapshot = (data) => {
        if (data.toString('latin1', 0, 20).startsWith('{"type":"snapshot"')) {
          ws.off('message', snapshot);
          resolve();
        }
      };
      ws.on('message', snapshot);
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused: ${res.statusCode}`)),
      );
    });
    ws.on('error', () => {});
    sockets.push(ws);
  }
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        await one();
      }
    }),
  );
  return sockets;
}

/** Wait until no message has arrived on any socket for `quietMs` (the presence storm of N joins settles). */
async function settle(sockets, quietMs = 300, timeoutMs = 60_000) {
  let last = now();
  const bump = () => (last = now());
  for (const ws of sockets) ws.on('message', bump);
  const deadline = now() + timeoutMs;
  while (now() - last < quietMs && now() < deadline) await sleep(50);
  for (const ws of sockets) ws.off('message', bump);
}

/** Connect `viewers` sockets, then `rounds` times: send(r) and time until every socket has an event. */
async function fanout({ url, headers, viewers, rounds, send, log, label, server }) {
  log(`  fan-out (${label}): connecting ${viewers} viewers …`);
  const t0 = now();
  const sockets = await connectAll(url, headers, viewers);
  const connectSeconds = (now() - t0) / 1000;
  await settle(sockets);
  const allSeen = [];
  const medianSeen = [];
  const firstSeen = [];
  // This process's own GC pauses: one inside a round delays every arrival stamp of it, whoever the server is.
  const pauses = [];
  const gcWatch = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push([e.startTime, e.startTime + e.duration]);
  });
  const roundsWithGc = [];
  let incomplete = 0;
  log(`  fan-out (${label}): ${rounds} rounds to ${viewers} viewers …`);
  // Collected now, so a major collection of what earlier sections left does not land inside a round.
  globalThis.gc?.();
  gcWatch.observe({ entryTypes: ['gc'] });
  const cpu0 = server?.workerdCpuMs() ?? 0;
  let cpuMs = 0;
  try {
    for (let r = 0; r < rounds; r += 1) {
      const state = { pending: sockets.length };
      const done = new Promise((resolve) => (state.done = resolve));
      for (const ws of sockets) {
        ws.waiting = true;
        ws.round = state;
        ws.arrived = -1;
      }
      const sentAt = now();
      await send(r);
      const finished = await Promise.race([done.then(() => true), sleep(5_000).then(() => false)]);
      const arrivals = sockets.filter((ws) => ws.arrived >= 0).map((ws) => ws.arrived - sentAt);
      if (!finished) incomplete += 1;
      else allSeen.push(Math.max(...arrivals));
      const end = sentAt + Math.max(0, ...arrivals);
      const gcMs = pauses
        .filter(([a, b]) => b > sentAt && a < end)
        .reduce((sum, [a, b]) => sum + Math.min(b, end) - Math.max(a, sentAt), 0);
      if (finished) roundsWithGc.push(round(gcMs, 1));
      medianSeen.push(summary(arrivals, [50]).p50);
      if (arrivals.length) firstSeen.push(Math.min(...arrivals));
      for (const ws of sockets) ws.waiting = false;
      // Let the round's trailing messages (a command may write more than one entry) drain before the next,
      // and collect this process's garbage between rounds, not inside one (1,000 sockets' messages fill the young
      // generation every few rounds; a collection inside a round delays every stamp of it, on either server).
      await sleep(20);
      globalThis.gc?.();
    }
    cpuMs = (server?.workerdCpuMs() ?? 0) - cpu0;
  } finally {
    gcWatch.disconnect();
    for (const ws of sockets) ws.terminate();
  }
  return {
    viewers,
    rounds,
    connectSeconds: round(connectSeconds),
    incompleteRounds: incomplete,
    everyViewerMs: summary(allSeen, [50, 99]),
    medianViewerMs: summary(medianSeen, [50, 99]),
    // The first viewer's arrival: the command's path up to its commit and first send, before the fan-out itself.
    firstViewerMs: summary(firstSeen, [50, 99]),
    // Per round, in order: which rounds were slow (and whether they repeat with the command cycle).
    everyViewerRoundsMs: allSeen.map((ms) => round(ms, 1)),
    // workerd's CPU per round (the command, its follow-up work and the sends; /proc, 10 ms ticks).
    workerdCpuMsPerRound: server ? round(cpuMs / rounds) : null,
    // Per round, the bench process's own GC pause inside it (ms): a slow round with one is the client's, not the server's.
    clientGcRoundsMs: roundsWithGc,
  };
}

export async function benchFanout(fb, { viewers, rounds = 50, log = console.log } = {}) {
  const viewer = await fb.user(`Viewer ${viewers}`, 'viewer');
  const { incident } = await fb.must('/api/incidents', {
    body: { title: `Fan-out to ${viewers}`, severity: 'critical' },
  });
  // Commands are limited to 10 a second per person on an incident; rounds can come faster, so four responders take turns.
  const senders = await Promise.all(
    [1, 2, 3, 4].map((n) => fb.user(`Sender ${n} for ${viewers}`, 'responder')),
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    return await fanout({
      url: `${fb.origin.replace('http', 'ws')}/api/incidents/${incident.id}/live`,
      headers: { authorization: `Bearer ${viewer.token}` },
      viewers,
      rounds,
      log,
      label: 'Firebell',
      server: fb,
      send: async (r) => {
        const command = CYCLE[r % CYCLE.length];
        const sender = senders[r % senders.length];
        const res = await postJson(
          agent,
          `${fb.origin}/api/incidents/${incident.id}/${command}`,
          '{}',
          { authorization: `Bearer ${sender.token}` },
        );
        if (res.status !== 200) throw new Error(`${command} → ${res.status} ${res.text}`);
      },
    });
  } finally {
    agent.destroy();
  }
}

/**
 * An acknowledgement as Firebell's room sends it (captured from one, 892 bytes): the entry and the incident as it
 * now is. The calibration's command shape writes and sends this, so both sides move the same bytes per viewer.
 */
const EVENT_LIKE_FIREBELLS = (seq) =>
  JSON.stringify({
    type: 'event',
    entry: {
      seq,
      kind: 'acknowledged',
      at: Date.now(),
      actor: { kind: 'user', id: 'usr_rnwscxv7b2rt2b78jv93', name: 'S' },
      text: 'Acknowledged by S',
    },
    incident: {
      id: 'inc_hmnaqypv7j65qfxt4077',
      number: 1,
      title: 'Fan-out to 1000',
      description: '',
      serviceId: null,
      severity: 'critical',
      status: 'acknowledged',
      assignees: [],
      roles: {
        incident_commander: null,
        incident_manager: null,
        communications_lead: null,
        scribe: null,
      },
      dedupKey: null,
      alertCount: 0,
      firingCount: 0,
      notificationCount: 0,
      truncatedAlerts: 0,
      titleEdited: true,
      paged: [],
      createdAt: 1796165525464,
      createdBy: { kind: 'user', id: 'usr_admin', name: 'Admin' },
      acknowledgedAt: 1796165526027,
      acknowledgedBy: { kind: 'user', id: 'usr_rnwscxv7b2rt2b78jv93', name: 'S' },
      resolvedAt: null,
      resolvedBy: null,
      updatedAt: 1796165526027,
      escalationLevel: 0,
      nobodyPaged: true,
      lastSeq: seq,
      maintenance: null,
    },
  });

/**
 * The calibration room. `shape`: 'command' (the design's minimal path for a responder's command: one RPC, one
 * committed row, then the event to every socket; the verdict's reference) or 'bare' (a 45-byte broadcast with no
 * write; kept as a reference row).
 */
export async function calibrationFanout(
  cal,
  { viewers, rounds = 50, shape = 'command', log = console.log } = {},
) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    return await fanout({
      url: `${cal.origin.replace('http', 'ws')}/api/live`,
      headers: {},
      viewers,
      rounds,
      log,
      label: `calibration, ${shape}`,
      server: cal,
      send: async (r) => {
        const res =
          shape === 'command'
            ? await postJson(agent, `${cal.origin}/api/command`, EVENT_LIKE_FIREBELLS(r + 1))
            : await postJson(
                agent,
                `${cal.origin}/api/broadcast`,
                JSON.stringify({ seq: r, text: 'Acknowledged by Bench' }),
              );
        if (res.status !== 200) throw new Error(`broadcast → ${res.status} ${res.text}`);
      },
    });
  } finally {
    agent.destroy();
  }
}
