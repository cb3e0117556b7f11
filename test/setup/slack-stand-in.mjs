// A stand-in of the Slack Web API on 127.0.0.1 for the tests (test/chat): a real HTTP server in Node that
// answers the methods Firebell calls (chat.postMessage, chat.update, chat.postEphemeral, users.info) as Slack
// does (HTTP 200 with {ok, error}), and checks what Slack checks: the bot token, the JSON shape, Block Kit
// limits. A request that breaks a limit is answered {ok:false, error:'invalid_blocks'} and kept in /violations.
//   POST /api/<method>        the Web API (Authorization: Bearer <token>, JSON body)
//   PUT  /tokens/<token>      accept this bot token (every other one is invalid_auth)
//   PUT  /fail/<channel>      the next calls for that channel answer [{status, retryAfter?}, …] in order
//   GET  /calls/<channel>     the calls made for that channel, oldest first: [{method, body}]
//   GET  /messages/<channel>  the channel's messages by ts: {ts: {text, blocks, thread_ts, updates}}
//   GET  /violations          every request that broke the shape or a limit
// Channel ids starting CNOTFOUND answer channel_not_found, CNOTIN not_in_channel.
import { createServer } from 'node:http';

const SECTION_TEXT_MAX = 3000;
const FIELD_TEXT_MAX = 2000;
const BUTTON_TEXT_MAX = 75;
const BLOCKS_MAX = 50;

/** Block Kit problems in `blocks`, as Slack would name them. */
export function blockProblems(blocks) {
  const problems = [];
  if (!Array.isArray(blocks)) return ['blocks must be an array'];
  if (blocks.length > BLOCKS_MAX) problems.push(`more than ${BLOCKS_MAX} blocks`);
  blocks.forEach((b, i) => {
    if (!b || typeof b.type !== 'string') problems.push(`block ${i} has no type`);
    else if (b.type === 'section') {
      if (!b.text && !b.fields) problems.push(`section ${i} needs text or fields`);
      if (
        b.text &&
        (typeof b.text.text !== 'string' || !['mrkdwn', 'plain_text'].includes(b.text.type))
      )
        problems.push(`section ${i} text must be a text object`);
      if (b.text?.text?.length > SECTION_TEXT_MAX)
        problems.push(`section ${i} text over ${SECTION_TEXT_MAX}`);
      if (
        b.fields &&
        (b.fields.length > 10 ||
          b.fields.some((f) => typeof f.text !== 'string' || f.text.length > FIELD_TEXT_MAX))
      )
        problems.push(`section ${i} fields over the limits`);
    } else if (b.type === 'actions') {
      if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 25)
        problems.push(`actions ${i} needs 1 to 25 elements`);
      for (const e of b.elements ?? []) {
        if (e.type !== 'button') continue;
        if (e.text?.type !== 'plain_text' || typeof e.text.text !== 'string')
          problems.push(`button in ${i} needs plain_text`);
        else if (e.text.text.length > BUTTON_TEXT_MAX)
          problems.push(`button text over ${BUTTON_TEXT_MAX}`);
        if (
          e.action_id !== undefined &&
          (typeof e.action_id !== 'string' || e.action_id.length > 255)
        )
          problems.push(`button action_id in ${i}`);
        if (e.value !== undefined && String(e.value).length > 2000)
          problems.push(`button value over 2000`);
      }
    } else if (b.type === 'context') {
      if (!Array.isArray(b.elements) || b.elements.length > 10)
        problems.push(`context ${i} elements`);
    } else if (!['header', 'divider'].includes(b.type))
      problems.push(`unknown block type ${b.type}`);
  });
  return problems;
}

/** Start the stand-in on 127.0.0.1 (a free port); the end-to-end test starts its own. */
export async function startSlackStandIn() {
  const tokens = new Set();
  const fails = new Map();
  const calls = new Map();
  const messages = new Map();
  const violations = [];
  let counter = 0;
  const log = (key, entry) => {
    if (!calls.has(key)) calls.set(key, []);
    calls.get(key).push(entry);
  };
  const answer = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  function web(method, token, type, raw, res) {
    if (!tokens.has(token))
      return answer(res, 200, { ok: false, error: token ? 'invalid_auth' : 'not_authed' });
    if (!/^application\/json/.test(type ?? ''))
      return answer(res, 200, { ok: false, error: 'invalid_form_data' });
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return answer(res, 200, { ok: false, error: 'invalid_json' });
    }
    if (method === 'users.info') {
      log('_users', { method, body });
      if (typeof body.user !== 'string')
        return answer(res, 200, { ok: false, error: 'user_not_found' });
      return answer(res, 200, {
        ok: true,
        user: { id: body.user, name: body.user.toLowerCase(), real_name: `Slack ${body.user}` },
      });
    }
    const channel = body.channel;
    if (typeof channel !== 'string' || !channel)
      return answer(res, 200, { ok: false, error: 'channel_not_found' });
    log(channel, { method, body });
    const failing = fails.get(channel);
    if (failing?.length) {
      const f = failing.shift();
      return answer(
        res,
        f.status,
        { ok: false, error: f.status === 429 ? 'ratelimited' : 'internal_error' },
        f.retryAfter ? { 'retry-after': String(f.retryAfter) } : {},
      );
    }
    if (channel.startsWith('CNOTFOUND'))
      return answer(res, 200, { ok: false, error: 'channel_not_found' });
    if (channel.startsWith('CNOTIN'))
      return answer(res, 200, { ok: false, error: 'not_in_channel' });
    const problems = [];
    if (typeof body.text !== 'string' && body.blocks === undefined)
      problems.push('text or blocks required');
    if (typeof body.text === 'string' && body.text.length > 40000) problems.push('text over 40000');
    if (body.blocks !== undefined) problems.push(...blockProblems(body.blocks));
    if (method === 'chat.postEphemeral' && typeof body.user !== 'string')
      problems.push('user required');
    if (method === 'chat.update' && typeof body.ts !== 'string') problems.push('ts required');
    if (body.thread_ts !== undefined && typeof body.thread_ts !== 'string')
      problems.push('thread_ts must be a string');
    if (problems.length) {
      violations.push({ method, channel, problems });
      return answer(res, 200, { ok: false, error: 'invalid_blocks', errors: problems });
    }
    if (!messages.has(channel)) messages.set(channel, {});
    const inChannel = messages.get(channel);
    if (method === 'chat.postMessage') {
      if (body.thread_ts && !inChannel[body.thread_ts])
        return answer(res, 200, { ok: false, error: 'thread_not_found' });
      const ts = `${Math.floor(Date.now() / 1000)}.${String(++counter).padStart(6, '0')}`;
      inChannel[ts] = {
        text: body.text,
        blocks: body.blocks ?? null,
        thread_ts: body.thread_ts ?? null,
        updates: 0,
      };
      return answer(res, 200, { ok: true, channel, ts, message: { text: body.text } });
    }
    if (method === 'chat.update') {
      const m = inChannel[body.ts];
      if (!m) return answer(res, 200, { ok: false, error: 'message_not_found' });
      Object.assign(m, {
        text: body.text,
        blocks: body.blocks ?? m.blocks,
        updates: m.updates + 1,
      });
      return answer(res, 200, { ok: true, channel, ts: body.ts });
    }
    if (method === 'chat.postEphemeral')
      return answer(res, 200, { ok: true, message_ts: `${Date.now() / 1000}` });
    return answer(res, 200, { ok: false, error: 'unknown_method' });
  }

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const [, verb, key] = (req.url ?? '').split('/');
      const name = decodeURIComponent(key ?? '');
      if (req.method === 'POST' && verb === 'api') {
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
        return web(name, token, req.headers['content-type'], raw, res);
      }
      if (req.method === 'PUT' && verb === 'tokens') {
        tokens.add(name);
        return res.writeHead(204).end();
      }
      if (req.method === 'PUT' && verb === 'fail') {
        fails.set(name, JSON.parse(raw));
        return res.writeHead(204).end();
      }
      if (req.method === 'GET' && verb === 'calls') return answer(res, 200, calls.get(name) ?? []);
      if (req.method === 'GET' && verb === 'messages')
        return answer(res, 200, messages.get(name) ?? {});
      if (req.method === 'GET' && verb === 'violations') return answer(res, 200, violations);
      res.writeHead(404).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** @param {import('vitest/node').GlobalSetupContext} ctx */
export default async function setup({ provide }) {
  const standIn = await startSlackStandIn();
  provide('slackApi', standIn.origin);
  return standIn.close;
}
