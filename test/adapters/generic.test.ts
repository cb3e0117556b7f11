import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../schema/alert';
import { adaptGeneric, genericFromForm } from '../../worker/adapters/generic';
import { HOSTILE_BODIES } from './hostile-bodies';

const NOW = Date.parse('2026-11-26T11:00:00Z');

async function errorsOf(body: unknown): Promise<string[]> {
  const result = await adaptGeneric(body, NOW);
  if (result.ok) throw new Error('expected the alert to be rejected');
  return result.errors;
}

describe('generic JSON alerts', () => {
  it('pages with only a summary, as an error-severity trigger keyed by a hash of the summary', async () => {
    const result = await adaptGeneric({ summary: 'Backup failed' }, NOW);
    expect(result.ok && result.events[0]).toMatchObject({
      action: 'trigger',
      summary: 'Backup failed',
      severity: 'error',
      truncated: false,
      links: [],
    });
    expect(result.ok && result.events[0]?.dedupKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('resolves the incident a keyless trigger opened when the same summary and source are resent', async () => {
    const opened = await adaptGeneric({ summary: 'Backup failed', source: 'nas' }, NOW);
    const closed = await adaptGeneric(
      { summary: 'Backup failed', source: 'nas', action: 'resolve' },
      NOW,
    );
    expect(closed.ok && closed.events[0]?.action).toBe('resolve');
    expect(closed.ok && closed.events[0]?.dedupKey).toBe(opened.ok && opened.events[0]?.dedupKey);
  });

  it('carries every documented field and accepts but ignores the token', async () => {
    const result = await adaptGeneric(
      {
        summary: 'DB down',
        details: { replica: 'db-2' },
        severity: 'CRITICAL',
        dedup_key: 'db-down',
        action: 'acknowledge',
        links: [
          'https://status.example.com',
          { href: 'https://runbooks.example.com/db', text: 'Runbook' },
        ],
        source: 'db-2',
        token: 'secret-token',
      },
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      events: [
        {
          action: 'acknowledge',
          dedupKey: 'db-down',
          alertKey: 'db-down',
          summary: 'DB down',
          truncated: false,
          severity: 'critical',
          source: 'db-2',
          details: { replica: 'db-2' },
          links: [
            { href: 'https://status.example.com' },
            { href: 'https://runbooks.example.com/db', text: 'Runbook' },
          ],
        },
      ],
    });
    expect(JSON.stringify(result)).not.toContain('secret-token');
  });

  it('keeps string details as text', async () => {
    const result = await adaptGeneric({ summary: 's', details: 'exit code 3' }, NOW);
    expect(result.ok && result.events[0]?.details).toEqual({ text: 'exit code 3' });
  });

  it('refuses an alert without a summary', async () => {
    expect(await errorsOf({ severity: 'info' })).toEqual([
      'summary is required and must not be blank',
    ]);
    expect(await errorsOf({ summary: ' ' })).toEqual(['summary is required and must not be blank']);
  });

  it('lists unknown fields so a typo in a script fails loudly', async () => {
    const errors = await errorsOf({ sumary: 'typo', summary: 'ok', priority: 'high' });
    expect(errors).toEqual([
      'unknown field(s): sumary, priority (allowed: summary, details, severity, dedup_key, action, links, source, token)',
    ]);
  });

  it('reports every wrongly typed field at once', async () => {
    const errors = await errorsOf({
      summary: 5,
      severity: 'apocalyptic',
      action: 'close',
      dedup_key: [],
      details: 7,
      links: 'https://x',
    });
    expect(errors).toEqual([
      'summary must be a string',
      'severity must be one of critical, error, warning, info',
      'action must be one of trigger, acknowledge, resolve',
      'dedup_key must be a string',
      'details must be an object or a string',
      'links must be an array of URLs or {href, text} objects',
    ]);
  });

  it('names the link entry that is neither a URL nor an {href} object', async () => {
    expect(
      await errorsOf({ summary: 's', links: ['https://ok.example.com', { url: 'x' }] }),
    ).toEqual([
      'links[1] must be a URL string or an object with a string href and optional string text',
    ]);
  });

  it('truncates an overlong summary with an ellipsis', async () => {
    const result = await adaptGeneric({ summary: 'x'.repeat(400_000) }, NOW);
    expect(result.ok && result.events[0]?.summary).toHaveLength(LIMITS.summary);
    expect(result.ok && result.events[0]?.summary.endsWith('…')).toBe(true);
    expect(result.ok && result.events[0]?.truncated).toBe(true);
  });

  it('keeps only the first links of an alert with too many and drops non-http ones', async () => {
    const links = [
      'javascript:alert(1)',
      ...Array.from({ length: 50 }, (_, i) => `https://example.com/${i}`),
    ];
    const result = await adaptGeneric({ summary: 's', links }, NOW);
    expect(result.ok && result.events[0]?.links).toHaveLength(LIMITS.links);
    expect(result.ok && result.events[0]?.links[0]).toEqual({ href: 'https://example.com/0' });
  });

  it.each(HOSTILE_BODIES)('answers %s with an error instead of throwing', async (_name, body) => {
    expect((await adaptGeneric(body, NOW)).ok).toBe(false);
  });
});

describe('generic form-encoded alerts', () => {
  it('reads curl -d fields into the JSON shape, collecting repeated links', async () => {
    const form = new URLSearchParams(
      'summary=Disk+full&severity=warning&link=https://a.example.com&links=https://b.example.com&token=t',
    );
    const body = genericFromForm(form);
    expect(body).toEqual({
      summary: 'Disk full',
      severity: 'warning',
      token: 't',
      links: ['https://a.example.com', 'https://b.example.com'],
    });
    const result = await adaptGeneric(body, NOW);
    expect(result.ok && result.events[0]).toMatchObject({
      summary: 'Disk full',
      severity: 'warning',
      links: [{ href: 'https://a.example.com' }, { href: 'https://b.example.com' }],
    });
  });

  it('rejects a repeated summary instead of guessing which one was meant', async () => {
    expect(await errorsOf(genericFromForm(new URLSearchParams('summary=a&summary=b')))).toEqual([
      'summary must be a string',
    ]);
  });

  it('treats a field named __proto__ as an unknown field, not as a prototype', async () => {
    const body = genericFromForm(new URLSearchParams('summary=s&__proto__=x'));
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(await errorsOf(body)).toEqual([
      expect.stringMatching(/^unknown field\(s\): __proto__ /),
    ]);
  });
});
