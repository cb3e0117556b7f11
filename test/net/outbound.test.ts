import { describe, expect, it } from 'vitest';
import { checkOutboundUrl, insecureOutboundAllowed } from '../../worker/net/outbound';

const secure = {};
const insecure = { ALLOW_INSECURE_OUTBOUND: 'true' };
const problem = (
  url: string,
  env: Parameters<typeof checkOutboundUrl>[1] = secure,
  rule?: Parameters<typeof checkOutboundUrl>[2],
) => {
  const check = checkOutboundUrl(url, env, rule);
  return check.ok ? null : check.problem;
};

describe('the outbound URL check every server-side request goes through', () => {
  it('lets a public https host through when no host list applies, as a webhook or chat URL would be', () => {
    expect(problem('https://hooks.slack.com/services/T0/B0/x')).toBeNull();
    expect(problem('https://status.example.com:8443/subscribers')).toBeNull();
    expect(problem('https://93.184.216.34/hook')).toBeNull();
  });

  it('refuses every literal address that is not public unicast, however it is spelled', () => {
    for (const url of [
      'https://127.0.0.1/',
      'https://2130706433/',
      'https://0x7f.1/',
      'https://0177.0.0.1/',
      'https://10.0.0.1/',
      'https://172.16.5.4/',
      'https://192.168.0.1/',
      'https://169.254.169.254/',
      'https://100.64.0.1/',
      'https://0.0.0.0/',
      'https://224.0.0.1/',
      'https://255.255.255.255/',
      'https://[::1]/',
      'https://[::]/',
      'https://[fe80::1]/',
      'https://[fd12::1]/',
      'https://[::ffff:10.0.0.1]/',
      'https://[64:ff9b::a00:1]/',
      'https://[2002:a00:1::]/',
    ]) {
      expect(problem(url), url).toMatch(/must not point at a/);
    }
  });

  it('refuses local names, credentials and anything but https', () => {
    for (const url of [
      'https://localhost/',
      'https://api.localhost/',
      'https://nas.local/',
      'https://db.internal/',
      'https://router.home.arpa/',
      'https://intranet/',
      'https://LOCALHOST./',
    ]) {
      expect(problem(url), url).toMatch(/local one/);
    }
    expect(problem('https://user:pw@example.com/')).toMatch(/credentials/);
    expect(problem('http://example.com/')).toMatch(/https/);
    expect(problem('ftp://example.com/')).toMatch(/https/);
    expect(problem('not a url')).toMatch(/absolute URL/);
  });

  it('holds a request to its list of known hosts, matching whole labels only', () => {
    const rule = { hosts: ['exact.example', '*.push.example'], hostsLabel: 'a known host' };
    expect(problem('https://exact.example/x', secure, rule)).toBeNull();
    expect(problem('https://eu.push.example/x', secure, rule)).toBeNull();
    expect(problem('https://push.example/x', secure, rule)).toMatch(/known host/);
    expect(problem('https://evilpush.example/x', secure, rule)).toMatch(/known host/);
    expect(problem('https://exact.example.evil.test/x', secure, rule)).toMatch(/known host/);
  });

  it('with the insecure switch, lifts the host lists and admits loopback over http, and nothing more', () => {
    const rule = { hosts: ['exact.example'] };
    expect(problem('https://stand-in.test/x', insecure, rule)).toBeNull();
    expect(problem('http://127.0.0.1:9876/push', insecure, rule)).toBeNull();
    expect(problem('https://[::1]:9876/push', insecure, rule)).toBeNull();
    expect(problem('http://stand-in.test/x', insecure, rule)).toMatch(/https/);
    expect(problem('https://169.254.169.254/', insecure, rule)).toMatch(/link-local/);
    expect(problem('https://10.0.0.1/', insecure, rule)).toMatch(/private/);
  });

  it('takes the switch only when it is exactly "true", under either of its names', () => {
    expect(insecureOutboundAllowed({ ALLOW_INSECURE_OUTBOUND: 'true' })).toBe(true);
    expect(insecureOutboundAllowed({ ALLOW_INSECURE_PUSH: 'true' })).toBe(true);
    for (const value of ['1', 'yes', 'TRUE', '', undefined])
      expect(
        insecureOutboundAllowed({ ALLOW_INSECURE_OUTBOUND: value, ALLOW_INSECURE_PUSH: value }),
      ).toBe(false);
  });
});
