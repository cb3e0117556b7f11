import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../schema/alert';
import { adaptOpsgenieAction, adaptOpsgenieCreate } from '../../worker/adapters/opsgenie';
import amOpsgenie from '../fixtures/payloads/alertmanager-opsgenie.json';
import sdk from '../fixtures/payloads/opsgenie-sdk-create-close.json';
import { HOSTILE_BODIES } from './hostile-bodies';

const NOW = Date.parse('2026-11-26T11:00:00Z');
const [amCreate, amClose] = amOpsgenie.requests;
const [sdkCreate, sdkClose] = sdk.requests;
if (!amCreate || !amClose || !sdkCreate || !sdkClose) throw new Error('fixtures are incomplete');

/** What the route does: identifier and identifierType come from the URL, not the body. */
function closeRef(url: string): { identifier: string; identifierType: string | null } {
  const parsed = new URL(url, 'http://firebell.test');
  const identifier = decodeURIComponent(parsed.pathname.split('/').filter(Boolean).at(-2) ?? '');
  return { identifier, identifierType: parsed.searchParams.get('identifierType') };
}

async function messageOf(result: ReturnType<typeof adaptOpsgenieCreate>): Promise<string> {
  const settled = await result;
  if (settled.ok) throw new Error('expected the request to be rejected');
  return settled.message;
}

describe('Opsgenie Alert API', () => {
  it('creates a P1 alert from opsgenie-sdk as critical, keyed by its alias', async () => {
    const result = await adaptOpsgenieCreate(sdkCreate.body, NOW);
    expect(result).toEqual({
      ok: true,
      events: [
        {
          action: 'trigger',
          dedupKey: 'probe-alias-1',
          alertKey: 'probe-alias-1',
          summary: 'Disk full on web-1',
          truncated: false,
          severity: 'critical',
          source: 'og-probe',
          details: { description: '/var at 99%', priority: 'P1', tags: ['probe'] },
          labels: { host: 'web-1' },
          links: [],
        },
      ],
    });
  });

  it('closes the alert when opsgenie-sdk closes it by alias, keeping the note', async () => {
    const { identifier, identifierType } = closeRef(sdkClose.url);
    const result = await adaptOpsgenieAction(
      'close',
      identifier,
      identifierType,
      sdkClose.body,
      NOW,
    );
    expect(result.ok && result.events[0]).toMatchObject({
      action: 'resolve',
      dedupKey: 'probe-alias-1',
      alertKey: 'probe-alias-1',
      summary: 'recovered',
      details: { note: 'recovered' },
    });
  });

  it("pages from Alertmanager's Opsgenie sender with its labels and then closes the same alias", async () => {
    const created = await adaptOpsgenieCreate(amCreate.body, NOW);
    expect(created.ok && created.events[0]).toMatchObject({
      dedupKey: amCreate.body.alias,
      summary: '[FIRING:1] ProbeDiskFull web-1 (checkout critical)',
      severity: 'critical',
      labels: {
        alertname: 'ProbeDiskFull',
        instance: 'web-1',
        service: 'checkout',
        severity: 'critical',
      },
      details: { tags: ['probe', 'checkout'] },
    });
    const { identifier, identifierType } = closeRef(amClose.url);
    const closed = await adaptOpsgenieAction(
      'close',
      identifier,
      identifierType,
      amClose.body,
      NOW,
    );
    expect(closed.ok && closed.events[0]).toMatchObject({
      action: 'resolve',
      dedupKey: amCreate.body.alias,
      summary: 'Closed via the Opsgenie API',
    });
  });

  it.each([
    ['P1', 'critical'],
    ['P2', 'error'],
    ['P3', 'warning'],
    ['P4', 'info'],
    ['P5', 'info'],
    [undefined, 'warning'],
  ])('maps priority %s to %s severity', async (priority, severity) => {
    const result = await adaptOpsgenieCreate({ message: 'm', priority }, NOW);
    expect(result.ok && result.events[0]?.severity).toBe(severity);
  });

  it('derives a stable alias from the message when the sender gives none', async () => {
    const [a, b] = await Promise.all([
      adaptOpsgenieCreate({ message: 'CPU hot' }, NOW),
      adaptOpsgenieCreate({ message: 'CPU hot' }, NOW),
    ]);
    expect(a.ok && a.events[0]?.dedupKey).toMatch(/^[0-9a-f]{64}$/);
    expect(a.ok && a.events[0]?.dedupKey).toBe(b.ok && b.events[0]?.dedupKey);
  });

  it('acknowledges by an id as if it were the alias (the route sends ids that name an incident straight to it)', async () => {
    const result = await adaptOpsgenieAction('acknowledge', 'probe-alias-1', null, undefined, NOW);
    expect(result.ok && result.events[0]).toMatchObject({
      action: 'acknowledge',
      dedupKey: 'probe-alias-1',
    });
  });

  it('refuses tiny ids, which name incidents rather than aliases, and unknown identifier types', async () => {
    expect(await messageOf(adaptOpsgenieAction('close', '42', 'tiny', {}, NOW))).toMatch(
      /tiny id names an incident/,
    );
    expect(await messageOf(adaptOpsgenieAction('close', '42', 'name', {}, NOW))).toBe(
      'IdentifierType should be one of id, alias, tiny.',
    );
    expect(await messageOf(adaptOpsgenieAction('close', ' ', 'alias', {}, NOW))).toBe(
      'Identifier can not be empty.',
    );
    expect(await messageOf(adaptOpsgenieAction('close', 'a', 'alias', null, NOW))).toBe(
      'Request body should be a JSON object.',
    );
  });

  it('answers a missing or blank message the way Opsgenie does', async () => {
    expect(await messageOf(adaptOpsgenieCreate({ alias: 'a' }, NOW))).toBe(
      'Message can not be empty.',
    );
    expect(await messageOf(adaptOpsgenieCreate({ message: '   ' }, NOW))).toBe(
      'Message can not be empty.',
    );
  });

  it('rejects fields of the wrong type with a sentence naming the field', async () => {
    expect(await messageOf(adaptOpsgenieCreate({ message: 42 }, NOW))).toBe(
      'Message should be a string.',
    );
    expect(await messageOf(adaptOpsgenieCreate({ message: 'm', priority: 'P9' }, NOW))).toBe(
      'Priority should be one of P1, P2, P3, P4, P5.',
    );
    expect(await messageOf(adaptOpsgenieCreate({ message: 'm', tags: 'a,b' }, NOW))).toBe(
      'Tags should be a list of strings.',
    );
    expect(await messageOf(adaptOpsgenieCreate({ message: 'm', details: { n: 1 } }, NOW))).toBe(
      'Details should be a map of string keys to string values.',
    );
    expect(
      await messageOf(adaptOpsgenieCreate({ message: 'm', alias: 'a'.repeat(513) }, NOW)),
    ).toBe('Alias can not be longer than 512 characters.');
  });

  it('ignores fields it does not know, as senders add them across versions', async () => {
    expect((await adaptOpsgenieCreate({ message: 'm', extraProperties: { a: 1 } }, NOW)).ok).toBe(
      true,
    );
  });

  it('accepts a message longer than Opsgenie allows and truncates it at our limit', async () => {
    const result = await adaptOpsgenieCreate({ message: 'M'.repeat(3000) }, NOW);
    expect(result.ok && result.events[0]?.summary).toHaveLength(LIMITS.summary);
    expect(result.ok && result.events[0]?.truncated).toBe(true);
  });

  it.each(HOSTILE_BODIES)('answers %s with an error instead of throwing', async (_name, body) => {
    const result = await adaptOpsgenieCreate(body, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/\.$/);
  });
});
