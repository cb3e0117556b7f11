/**
 * Slack's request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
 * X-Slack-Signature = "v0=" + hex(HMAC-SHA256(signing secret, "v0:" + X-Slack-Request-Timestamp + ":" + body)),
 * accepted only within five minutes of now. Replays inside the window are refused by the caller (seen table).
 */

/** How far a request's timestamp may be from now. */
export const SLACK_WINDOW_MS = 5 * 60_000;

const encoder = new TextEncoder();

const hex = (buffer: ArrayBuffer): string =>
  [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** The v0 signature of `body` sent at `timestamp` (seconds), as Slack computes it. */
export async function slackSignature(
  signingSecret: string,
  timestamp: string,
  body: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(signingSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`v0:${timestamp}:${body}`));
  return `v0=${hex(mac)}`;
}

export type Verdict = { ok: true } | { ok: false; detail: string };

/** Check a request's signature and timestamp against the workspace's signing secret. */
export async function verifySlack(
  signingSecret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowMs: number,
): Promise<Verdict> {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature)
    return {
      ok: false,
      detail:
        'Missing X-Slack-Request-Timestamp or X-Slack-Signature: requests must come from Slack.',
    };
  if (!/^\d{1,12}$/.test(timestamp))
    return { ok: false, detail: 'X-Slack-Request-Timestamp must be Unix seconds.' };
  if (Math.abs(nowMs - Number(timestamp) * 1000) > SLACK_WINDOW_MS)
    return {
      ok: false,
      detail:
        'The request is older than five minutes (or from the future): refused as a possible replay.',
    };
  const expected = await slackSignature(signingSecret, timestamp, body);
  const a = encoder.encode(expected);
  const b = encoder.encode(signature);
  if (a.byteLength !== b.byteLength || !crypto.subtle.timingSafeEqual(a, b))
    return {
      ok: false,
      detail: 'The Slack signature does not match this workspace’s signing secret.',
    };
  return { ok: true };
}
