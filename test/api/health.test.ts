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

  it('documents the body each webhook takes: the generic alert with summary required and its severities, the alert groups, PagerDuty’s events and Opsgenie’s create', async () => {
    type Schema = {
      $ref?: string;
      required?: string[];
      properties?: Record<string, { enum?: string[] }>;
    };
    type Operation = { requestBody?: { content: Record<string, { schema: Schema }> } };
    const doc = (await (await SELF.fetch('http://firebell.test/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, Schema> };
    };
    const bodyOf = (path: string, method = 'post', type = 'application/json') => {
      const schema = doc.paths[path]?.[method]?.requestBody?.content[type]?.schema ?? {};
      return schema.$ref ? (doc.components.schemas[schema.$ref.split('/').pop()!] ?? {}) : schema;
    };
    for (const type of ['application/json', 'application/x-www-form-urlencoded']) {
      const generic = bodyOf('/hooks/generic/{key}', 'post', type);
      expect(generic.required).toEqual(['summary']);
      expect(generic.properties?.severity?.enum).toEqual(['critical', 'error', 'warning', 'info']);
      expect(generic.properties?.action?.enum).toEqual(['trigger', 'acknowledge', 'resolve']);
    }
    expect(bodyOf('/hooks/alertmanager/{key}').required).toContain('alerts');
    expect(bodyOf('/hooks/grafana/{key}', 'put').required).toContain('alerts');
    expect(bodyOf('/v2/enqueue').required).toEqual(['routing_key', 'event_action', 'payload']);
    expect(bodyOf('/v2/change/enqueue').required).toEqual(['routing_key', 'payload']);
    expect(bodyOf('/v2/alerts').required).toEqual(['message']);
    expect(bodyOf('/v2/alerts').properties?.priority?.enum).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']);
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
