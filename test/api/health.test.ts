import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('health and docs', () => {
  it('answers the health check with ok', async () => {
    const res = await SELF.fetch('http://firebell.test/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', service: 'firebell' });
  });

  it('serves an OpenAPI 3.1 document that lists the health route', async () => {
    const res = await SELF.fetch('http://firebell.test/api/openapi.json');
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/health']).toBeDefined();
  });

  it('answers an unknown API route with a problem document', async () => {
    const res = await SELF.fetch('http://firebell.test/api/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { detail: string }).detail).toContain('/api/nope');
  });

  it('serves the API reference as plain HTML that runs no script, from the same OpenAPI document, under a CSP that forbids scripts', async () => {
    const res = await SELF.fetch('http://firebell.test/api/docs');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/style-src 'self'/);
    expect(csp).not.toMatch(/script-src|unsafe|https?:/);
    const html = await res.text();
    expect(html).not.toMatch(/<script|https?:\/\/(?!firebell)/i);
    expect(html).toContain('/api/incidents/{id}/acknowledge');
    expect(html).toContain('Acknowledge: stops escalation');
    const css = await SELF.fetch('http://firebell.test/api/docs/style.css');
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('gives every API answer a Content-Security-Policy that loads nothing and cannot be framed', async () => {
    for (const path of ['/api/health', '/api/openapi.json', '/api/nope']) {
      const csp = (await SELF.fetch(`http://firebell.test${path}`)).headers.get(
        'content-security-policy',
      );
      expect(csp, path).toMatch(/default-src 'none'/);
      expect(csp, path).toMatch(/frame-ancestors 'none'/);
    }
  });

  it('sends hardening headers on pages, answers and errors alike: no framing, no sniffing, no referrer', async () => {
    for (const path of ['/api/docs', '/api/health', '/api/nope']) {
      const res = await SELF.fetch(`http://firebell.test${path}`);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });
});
