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

  it('sends hardening headers on pages, answers and errors alike: no framing, no sniffing, no referrer', async () => {
    for (const path of ['/api/docs', '/api/health', '/api/nope']) {
      const res = await SELF.fetch(`http://firebell.test${path}`);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });
});
