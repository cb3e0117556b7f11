// A stand-in of Twilio's REST API on 127.0.0.1 for the tests (test/notify/twilio.test.ts): a real HTTP
// server in Node that checks what Twilio checks on Messages.json and Calls.json (the path with the
// account SID, HTTP Basic auth with SID and auth token, a form-encoded body, E.164 To and From, a Body or
// Twiml) and answers as Twilio does (201 with the resource's JSON, or an error {code, message, status}).
// A request that breaks the documented format is answered 400 and kept in /violations.
// It also signs callbacks as Twilio documents, with node:crypto (independent of the Worker's WebCrypto).
//   POST /2010-04-01/Accounts/<sid>/Messages.json | Calls.json   the API
//   PUT  /script/<number>   the next requests to that To number answer [status, …] in order (then 201)
//   GET  /sent/<number>     what was sent to that number, oldest first: [{resource, params, sid}]
//   POST /sign              {url, params} → {signature}: X-Twilio-Signature for a callback to url
//   POST /status/<sid>      {status, errorCode?} → {url, params, signature}: the status callback Twilio would
//                           post for that message or call (to the StatusCallback its create request named,
//                           with the documented parameters, signed). The Worker in workerd has no port of its
//                           own, so the test posts it (SELF.fetch) as Twilio would.
//   GET  /violations        every request that broke the documented format
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';

const E164 = /^\+[1-9]\d{6,14}$/;

/** Twilio's request signature: base64 HMAC-SHA1, keyed by the auth token, over the URL then each sorted name+value. */
export function twilioSignature(authToken, url, params) {
  const data = Object.keys(params)
    .sort()
    .reduce((s, name) => s + name + params[name], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Start the stand-in on 127.0.0.1:port for account `sid` with `token`. */
export async function startTwilioStandIn({ port = 0, sid, token }) {
  const scripts = new Map();
  const sent = new Map();
  const created = new Map();
  const violations = [];
  let counter = 0;
  const answer = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const api = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/.exec(url.pathname);
      if (api && req.method === 'POST') {
        const [, pathSid, resource] = api;
        const params = Object.fromEntries(new URLSearchParams(raw));
        const problems = [];
        const auth = req.headers.authorization ?? '';
        const expected = `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;
        if (auth !== expected) {
          // Twilio: 401 with code 20003 for bad credentials.
          return answer(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
        }
        if (pathSid !== sid) problems.push(`account SID in the path is ${pathSid}`);
        if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
          problems.push(`content-type ${req.headers['content-type']}`);
        if (!E164.test(params.To ?? '')) problems.push(`To ${params.To} is not E.164`);
        if (!E164.test(params.From ?? '')) problems.push(`From ${params.From} is not E.164`);
        if (resource === 'Messages' && !params.Body) problems.push('Messages needs Body');
        if (resource === 'Messages' && params.Body?.length > 1600) problems.push('Body over 1600');
        if (resource === 'Calls' && !params.Twiml && !params.Url)
          problems.push('Calls needs Twiml or Url');
        if (resource === 'Calls' && params.Twiml?.length > 4000) problems.push('Twiml over 4000');
        if (params.StatusCallback !== undefined && !/^https?:\/\/[^/]/.test(params.StatusCallback))
          problems.push(`StatusCallback ${params.StatusCallback} is not an absolute http(s) URL`);
        if (
          params.StatusCallbackMethod !== undefined &&
          !/^(GET|POST)$/.test(params.StatusCallbackMethod)
        )
          problems.push(`StatusCallbackMethod ${params.StatusCallbackMethod}`);
        if (problems.length) {
          violations.push({ resource, params, problems });
          return answer(res, 400, { code: 21601, message: problems.join('; '), status: 400 });
        }
        const script = scripts.get(params.To) ?? [];
        const status = script.shift() ?? 201;
        if (status === 400)
          return answer(res, 400, {
            code: 21211,
            message: `The 'To' number ${params.To} is not a valid phone number.`,
            more_info: 'https://www.twilio.com/docs/errors/21211',
            status: 400,
          });
        if (status !== 201)
          return answer(res, status, { code: 20500, message: 'Service unavailable', status });
        const resourceSid = `${resource === 'Messages' ? 'SM' : 'CA'}${(++counter).toString(16).padStart(32, '0')}`;
        if (!sent.has(params.To)) sent.set(params.To, []);
        sent.get(params.To).push({ resource, params, sid: resourceSid });
        created.set(resourceSid, { resource, params });
        return answer(res, 201, {
          sid: resourceSid,
          account_sid: sid,
          to: params.To,
          from: params.From,
          status: 'queued',
          api_version: '2010-04-01',
          ...(resource === 'Messages' ? { body: params.Body, direction: 'outbound-api' } : {}),
        });
      }
      const [, verb, name] = url.pathname.split('/');
      const key = decodeURIComponent(name ?? '');
      if (req.method === 'PUT' && verb === 'script') {
        scripts.set(key, JSON.parse(raw));
        return res.writeHead(204).end();
      }
      if (req.method === 'GET' && verb === 'sent') return answer(res, 200, sent.get(key) ?? []);
      if (req.method === 'POST' && verb === 'sign') {
        const { url: target, params } = JSON.parse(raw);
        return answer(res, 200, { signature: twilioSignature(token, target, params) });
      }
      if (req.method === 'POST' && verb === 'status') {
        const made = created.get(key);
        if (!made?.params.StatusCallback)
          return answer(res, 404, { message: `no StatusCallback for ${key}` });
        const { status, errorCode } = JSON.parse(raw);
        const { resource, params: p } = made;
        // The parameters Twilio documents for a message's / a call's status callback.
        const params =
          resource === 'Messages'
            ? {
                AccountSid: sid,
                ApiVersion: '2010-04-01',
                From: p.From,
                MessageSid: key,
                MessageStatus: status,
                SmsSid: key,
                SmsStatus: status,
                To: p.To,
                ...(errorCode ? { ErrorCode: String(errorCode) } : {}),
              }
            : {
                AccountSid: sid,
                ApiVersion: '2010-04-01',
                CallSid: key,
                CallStatus: status,
                CallbackSource: 'call-progress-events',
                Called: p.To,
                Caller: p.From,
                Direction: 'outbound-api',
                From: p.From,
                SequenceNumber: '0',
                Timestamp: new Date().toUTCString(),
                To: p.To,
                ...(status === 'completed' ? { CallDuration: '9' } : {}),
                ...(errorCode ? { ErrorCode: String(errorCode) } : {}),
              };
        const url = p.StatusCallback;
        return answer(res, 200, { url, params, signature: twilioSignature(token, url, params) });
      }
      if (req.method === 'GET' && verb === 'violations') return answer(res, 200, violations);
      res.writeHead(404).end();
    });
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** @param {import('vitest/node').GlobalSetupContext} ctx */
export default async function setup({ provide }) {
  const standIn = await startTwilioStandIn({
    port: Number(process.env.FIREBELL_TEST_TWILIO_PORT),
    sid: process.env.FIREBELL_TEST_TWILIO_SID,
    token: process.env.FIREBELL_TEST_TWILIO_TOKEN,
  });
  provide('twilioApi', standIn.origin);
  return standIn.close;
}
