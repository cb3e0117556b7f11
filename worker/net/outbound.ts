/**
 * The one check for every URL Firebell fetches on its own (push services today; webhooks, chat and
 * status-page subscribers later): call checkOutboundUrl before storing a URL and again before sending to it.
 *
 * A Worker cannot see the address a hostname resolves to, so this refuses what it can see: anything but
 * https, credentials in the URL, literal IPs that are not public unicast (private, loopback, link-local,
 * CGNAT, multicast, reserved, IPv4 hidden in IPv6), and local names (localhost, *.local, *.internal …).
 * Where a kind of request has known hosts (the browsers' push services) it must go to one of them.
 *
 * ALLOW_INSECURE_OUTBOUND=true (ALLOW_INSECURE_PUSH=true is its older name) is for tests and local trials
 * only: it lifts the host lists and admits loopback IPs, over http too. Never set it in production.
 */
import ipaddr from 'ipaddr.js';

export interface OutboundEnv {
  ALLOW_INSECURE_OUTBOUND?: string;
  /** The switch's first name, from when push was the only outbound request; still honoured. */
  ALLOW_INSECURE_PUSH?: string;
}

/** What one kind of outbound request may reach. */
export interface OutboundRule {
  /** Known hosts: 'host.example' exactly, '*.host.example' any name under it. Omit to allow any public host. */
  hosts?: readonly string[];
  /** How a refusal names the list: "a browser push service (…)". */
  hostsLabel?: string;
}

export type OutboundCheck = { ok: true; url: URL } | { ok: false; problem: string };

/** Names that only mean something inside a network (RFC 6761, RFC 6762, RFC 8375, and common private TLDs). */
const LOCAL_SUFFIXES = [
  '.localhost',
  '.local',
  '.internal',
  '.localdomain',
  '.home.arpa',
  '.intranet',
  '.lan',
];

/** True only when the insecure switch is exactly "true"; anything else (unset, "1", "yes") keeps every check. */
export function insecureOutboundAllowed(env: OutboundEnv): boolean {
  return env.ALLOW_INSECURE_OUTBOUND === 'true' || env.ALLOW_INSECURE_PUSH === 'true';
}

/** An http URL on a loopback IP: the only plain-http target ever admitted, and only with the insecure switch. */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && literalRange(url.hostname) === 'loopback';
}

/** Whether `raw` may be fetched by Firebell under `rule`; the problem is a sentence fragment for a 400 detail. */
export function checkOutboundUrl(
  raw: string,
  env: OutboundEnv,
  rule: OutboundRule = {},
): OutboundCheck {
  const insecure = insecureOutboundAllowed(env);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: 'must be an absolute URL' };
  }
  if (url.username || url.password) return { ok: false, problem: 'must not carry credentials' };
  const loopbackHttp = insecure && isLoopbackHttp(url);
  if (url.protocol !== 'https:' && !loopbackHttp)
    return { ok: false, problem: 'must be an https URL' };

  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  const range = literalRange(host);
  if (range !== null) {
    if (range === 'unicast' || (insecure && range === 'loopback'))
      return hostListed(url, host, insecure, rule);
    return {
      ok: false,
      problem: `must not point at a ${range === 'unicast' ? 'public' : describeRange(range)} address`,
    };
  }
  if (host === 'localhost' || LOCAL_SUFFIXES.some((s) => host.endsWith(s)) || !host.includes('.')) {
    return { ok: false, problem: 'must name a public host, not a local one' };
  }
  return hostListed(url, host, insecure, rule);
}

function hostListed(url: URL, host: string, insecure: boolean, rule: OutboundRule): OutboundCheck {
  if (!rule.hosts || insecure) return { ok: true, url };
  const listed = rule.hosts.some((pattern) =>
    pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern,
  );
  return listed
    ? { ok: true, url }
    : {
        ok: false,
        problem: `must be ${rule.hostsLabel ?? 'one of the known hosts'} (got ${host})`,
      };
}

/** The ipaddr.js range of a literal IP host ("unicast" when public), or null when the host is a name. */
function literalRange(hostname: string): string | null {
  // The URL parser has already turned 0x7f.1, 2130706433 and friends into dotted quads, and bracketed IPv6.
  const bare =
    hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare).range();
  if (bare !== hostname && ipaddr.IPv6.isValid(bare)) return ipaddr.IPv6.parse(bare).range();
  return null;
}

function describeRange(range: string): string {
  const words: Record<string, string> = {
    private: 'private',
    loopback: 'loopback',
    linkLocal: 'link-local',
    uniqueLocal: 'private (unique local)',
    carrierGradeNat: 'shared (CGNAT)',
    unspecified: 'unspecified',
    multicast: 'multicast',
    broadcast: 'broadcast',
  };
  return words[range] ?? `reserved (${range})`;
}
