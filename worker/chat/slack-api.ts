/**
 * The few Slack Web API methods Firebell calls (chat.postMessage, chat.update, chat.postEphemeral,
 * users.info), and how to read an answer: Slack says ok:false with an error code in a 200, so the outcome is
 * classified here once: sent, retry later (429 with Retry-After, 5xx, Slack's transient codes, a connection
 * that failed) or refused for good (channel_not_found, not_in_channel, invalid_auth, …).
 */
import type { OutboundEnv } from '../net/outbound';
import { checkOutboundUrl } from '../net/outbound';

export type SlackMethod = 'chat.postMessage' | 'chat.update' | 'chat.postEphemeral' | 'users.info';

export type SlackOutcome =
  | { kind: 'ok'; body: Record<string, unknown> }
  | { kind: 'retry'; error: string; retryAfterMs?: number }
  | { kind: 'refused'; error: string };

/** Error codes Slack documents as temporary. */
const TRANSIENT = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);
const TIMEOUT_MS = 10_000;

/** Call `method` with a JSON body as the workspace's bot. */
export async function callSlack(
  env: OutboundEnv,
  workspace: { apiBase: string; botToken: string },
  method: SlackMethod,
  body: Record<string, unknown>,
): Promise<SlackOutcome> {
  const target = checkOutboundUrl(`${workspace.apiBase.replace(/\/+$/, '')}/${method}`, env);
  if (!target.ok) return { kind: 'refused', error: `the Slack API URL ${target.problem}` };
  let res: Response;
  try {
    res = await fetch(target.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${workspace.botToken}`,
        'content-type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    return {
      kind: 'retry',
      error: `connection failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  const retryAfter = Number(res.headers.get('retry-after'));
  const retryAfterMs =
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined;
  if (res.status === 429) return { kind: 'retry', error: 'ratelimited', retryAfterMs };
  if (res.status >= 500) return { kind: 'retry', error: `HTTP ${res.status}` };
  let parsed: Record<string, unknown>;
  try {
    parsed = (await res.json()) as Record<string, unknown>;
  } catch {
    return { kind: 'refused', error: `HTTP ${res.status} without a JSON body` };
  }
  if (parsed.ok === true) return { kind: 'ok', body: parsed };
  const error = typeof parsed.error === 'string' ? parsed.error : `HTTP ${res.status}`;
  return TRANSIENT.has(error) ? { kind: 'retry', error, retryAfterMs } : { kind: 'refused', error };
}

/** POST a JSON body to an incoming webhook (Mattermost, Teams): 2xx is sent, 429/5xx/no answer is retried. */
export async function postHook(
  env: OutboundEnv,
  url: string,
  body: unknown,
): Promise<SlackOutcome> {
  const target = checkOutboundUrl(url, env);
  if (!target.ok) return { kind: 'refused', error: `the webhook URL ${target.problem}` };
  let res: Response;
  try {
    res = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    return {
      kind: 'retry',
      error: `connection failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  const text = (await res.text().catch(() => '')).slice(0, 200);
  if (res.ok) return { kind: 'ok', body: {} };
  const retryAfter = Number(res.headers.get('retry-after'));
  if (res.status === 429 || res.status >= 500)
    return {
      kind: 'retry',
      error: `HTTP ${res.status}`,
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    };
  return { kind: 'refused', error: `HTTP ${res.status}${text ? `: ${text}` : ''}` };
}
