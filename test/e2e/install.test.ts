import { buildPushPayload } from '@block65/webcrypto-web-push';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PushStandIn } from '../../scripts/push-stand-in.mjs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };

/** "1.2.3" → [1, 2, 3] */
const versionOf = (text: string) => text.split('.').map(Number);
const atLeast = (have: number[], want: number[]) => {
  for (let i = 0; i < want.length; i++)
    if ((have[i] ?? 0) !== (want[i] ?? 0)) return (have[i] ?? 0) > (want[i] ?? 0);
  return true;
};

describe('installing on Node 20', () => {
  it('declares a Node engine this machine runs, and the README names the same minimum', () => {
    const minimum = /^>=(\d+\.\d+)$/.exec(pkg.engines.node)?.[1];
    expect(minimum).toBe('20.19');
    expect(atLeast(versionOf(process.versions.node), versionOf(minimum ?? ''))).toBe(true);
    expect(readFileSync('README.md', 'utf8')).toContain(`Requirements: Node ${minimum}+`);
  });

  it('warns about no engine but the one the README explains, and about no skipped install scripts', () => {
    const res = spawnSync('npm', ['install', '--dry-run', '--no-audit', '--no-fund'], {
      encoding: 'utf8',
    });
    expect(res.status, res.stderr).toBe(0);
    const output = `${res.stdout}${res.stderr}`;
    const warned = [...output.matchAll(/EBADENGINE\s+package: '([^']+)'/g)].map((m) => m[1]);
    expect(warned).toEqual(['@block65/webcrypto-web-push@2.0.0']);
    expect(readFileSync('README.md', 'utf8')).toMatch(
      /warns `EBADENGINE` for `@block65\/webcrypto-web-push` alone/,
    );
    expect(output).not.toMatch(/install-scripts|install scripts/i);
  });

  it('encrypts a page with @block65/webcrypto-web-push on this Node as well, which the push service decrypts independently', async () => {
    // The library runs in workerd in production; here it runs on Node 20 despite its declared engine.
    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const publicKey = Buffer.from(await crypto.subtle.exportKey('raw', keys.publicKey)).toString(
      'base64url',
    );
    const privateKey = (await crypto.subtle.exportKey('jwk', keys.privateKey)).d ?? '';
    const standIn = await PushStandIn.start(publicKey);
    try {
      const subscription = standIn.subscribe();
      const body = JSON.stringify({ kind: 'page', title: 'Disk full on web-1' });
      const built = await buildPushPayload(
        { data: body, options: { ttl: 60, urgency: 'high' } },
        {
          endpoint: subscription.endpoint.replace(/^http:/, 'https:'),
          expirationTime: null,
          keys: subscription.keys,
        },
        { subject: 'mailto:oncall@example.com', publicKey, privateKey },
      );
      const res = await fetch(subscription.endpoint, {
        method: 'POST',
        headers: built.headers,
        body: built.body,
      });
      expect(res.status).toBe(201);
      const push = await standIn.next(
        (p) => p.subscriptionId === subscription.id,
        'the page at the stand-in',
      );
      expect(standIn.errors).toEqual([]);
      expect(push.text).toBe(body);
    } finally {
      await standIn.close();
    }
  });
});
