import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../schema/alert';
import {
  adaptPagerDuty,
  adaptPagerDutyChange,
  pagerdutyRoutingKey,
} from '../../worker/adapters/pagerduty';
import amResolve from '../fixtures/payloads/alertmanager-pagerduty-resolve.json';
import amTrigger from '../fixtures/payloads/alertmanager-pagerduty-trigger.json';
import pdjs from '../fixtures/payloads/pdjs-event.json';
import { HOSTILE_BODIES } from './hostile-bodies';

const NOW = Date.parse('2026-11-26T11:00:00Z');
const trigger = pdjs.trigger.body;

function errorsOf(body: unknown): string[] {
  const result = adaptPagerDuty(body, NOW);
  if (result.ok) throw new Error('expected the event to be rejected');
  return result.errors;
}

describe('PagerDuty Events API v2', () => {
  it('turns a @pagerduty/pdjs trigger into one critical alert with its links, labels and details', () => {
    const result = adaptPagerDuty(trigger, NOW);
    expect(result).toEqual({
      ok: true,
      routingKey: 'R0UTINGKEY0000000000000000000000',
      events: [
        {
          action: 'trigger',
          dedupKey: 'probe-dedup-1',
          alertKey: 'probe-dedup-1',
          summary: 'probe: disk full on web-1',
          truncated: false,
          severity: 'critical',
          source: 'web-1',
          details: { used: '99%' },
          labels: { component: 'disk', group: 'web', class: 'capacity' },
          links: [{ href: 'http://example.invalid/runbook', text: 'runbook' }],
        },
      ],
    });
  });

  it('resolves the same dedup key when @pagerduty/pdjs sends a resolve', () => {
    const result = adaptPagerDuty(pdjs.resolve.body, NOW);
    expect(result.ok && result.events[0]).toMatchObject({
      action: 'resolve',
      dedupKey: 'probe-dedup-1',
      alertKey: 'probe-dedup-1',
    });
  });

  it('accepts the minimal pdjs trigger sent with a warning severity', () => {
    const result = adaptPagerDuty(pdjs.trigger_via_NODE_EXTRA_CA_CERTS.body, NOW);
    expect(result.ok && result.events[0]).toMatchObject({
      action: 'trigger',
      dedupKey: 'env-ca',
      severity: 'warning',
      summary: 'env CA test',
      links: [],
    });
  });

  it('rejects a pdjs change event posted to the alert endpoint because it has no event_action', () => {
    expect(errorsOf(pdjs.change.body)).toEqual(["'event_action' is missing or blank"]);
  });

  it("pages from Alertmanager's PagerDuty sender and links back to Alertmanager", () => {
    const result = adaptPagerDuty(amTrigger.body, NOW);
    expect(result.ok).toBe(true);
    const [event] = result.ok ? result.events : [];
    expect(event).toMatchObject({
      action: 'trigger',
      dedupKey: '4339443fe0813865608723d4ca5fc940809a0b014ad6d5a0ea35337a7401ee3c',
      summary: '[FIRING:1] ProbeDiskFull web-1 (checkout critical)',
      severity: 'critical',
      source: 'Alertmanager probe',
      links: [{ href: 'http://127.0.0.1:19093', text: 'Alertmanager probe' }],
    });
    expect(event?.details).toMatchObject({ num_firing: '1' });
  });

  it("resolves the incident when Alertmanager's PagerDuty sender reports it resolved", () => {
    const result = adaptPagerDuty(amResolve.body, NOW);
    expect(result.ok && result.events[0]).toMatchObject({
      action: 'resolve',
      dedupKey: amTrigger.body.dedup_key,
      summary: '[RESOLVED] ProbeDiskFull web-1 (checkout critical)',
    });
  });

  it('generates a fresh dedup key for a trigger without one, so the route can return it', () => {
    const { dedup_key: _omit, ...body } = trigger;
    const first = adaptPagerDuty(body, NOW);
    const second = adaptPagerDuty(body, NOW);
    const key = first.ok ? first.events[0]?.dedupKey : undefined;
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.ok && second.events[0]?.dedupKey).not.toBe(key);
  });

  it('exposes the routing key even when the rest of the event is invalid, so auth can run first', () => {
    expect(pagerdutyRoutingKey({ routing_key: ' abc ', event_action: 'nope' })).toBe('abc');
    expect(pagerdutyRoutingKey({ routing_key: 7 })).toBeUndefined();
    expect(pagerdutyRoutingKey(null)).toBeUndefined();
  });

  it('names each missing trigger field the way PagerDuty does', () => {
    const errors = errorsOf({
      routing_key: 'k',
      event_action: 'trigger',
      payload: { summary: '  ' },
    });
    expect(errors).toEqual([
      "'payload.summary' is missing or blank",
      "'payload.source' is missing or blank",
      "'payload.severity' is missing or blank",
    ]);
  });

  it('reports a missing routing key and an unknown event action', () => {
    expect(errorsOf({ ...trigger, routing_key: undefined, event_action: 'escalate' })).toEqual([
      "'routing_key' is missing",
      "'event_action' is invalid (must be one of trigger, acknowledge, resolve)",
    ]);
  });

  it('requires a dedup key to acknowledge or resolve', () => {
    expect(errorsOf({ routing_key: 'k', event_action: 'acknowledge' })).toEqual([
      "'dedup_key' is missing or blank",
    ]);
    expect(errorsOf({ routing_key: 'k', event_action: 'resolve', dedup_key: '' })).toEqual([
      "'dedup_key' is missing or blank",
    ]);
  });

  it('acknowledges without a payload, as PagerDuty allows', () => {
    const result = adaptPagerDuty(
      { routing_key: 'k', event_action: 'acknowledge', dedup_key: 'd1' },
      NOW,
    );
    expect(result.ok && result.events[0]).toMatchObject({
      action: 'acknowledge',
      dedupKey: 'd1',
      summary: 'Acknowledged d1',
    });
  });

  it('rejects fields of the wrong type and an unsupported severity', () => {
    const errors = errorsOf({
      ...trigger,
      dedup_key: 12,
      payload: { ...trigger.payload, severity: 'fatal', timestamp: 'yesterday', component: 5 },
      links: 'http://x',
    });
    expect(errors).toEqual([
      "'dedup_key' is invalid (must be a string)",
      "'payload.severity' is invalid (must be one of critical, error, warning, info)",
      "'payload.timestamp' is invalid (must be an ISO 8601 timestamp)",
      "'payload.component' is invalid (must be a string)",
      "'links' is invalid (must be an array)",
    ]);
  });

  it('rejects unknown top-level fields by name', () => {
    expect(errorsOf({ ...trigger, service_key: 'old-v1-key', description: 'x' })).toEqual([
      "'service_key' is not a recognized field",
      "'description' is not a recognized field",
    ]);
  });

  it('rejects a dedup key longer than PagerDuty allows', () => {
    expect(errorsOf({ ...trigger, dedup_key: 'd'.repeat(256) })).toEqual([
      "'dedup_key' is too long (must be at most 255 characters)",
    ]);
  });

  it('uses the payload timestamp as the time the alert started', () => {
    const result = adaptPagerDuty(
      { ...trigger, payload: { ...trigger.payload, timestamp: '2026-11-26T10:58:11.612Z' } },
      NOW,
    );
    expect(result.ok && result.events[0]?.occurredAt).toBe(Date.parse('2026-11-26T10:58:11.612Z'));
  });

  it('truncates an overlong summary with an ellipsis instead of rejecting it', () => {
    const result = adaptPagerDuty(
      { ...trigger, payload: { ...trigger.payload, summary: 's'.repeat(600_000) } },
      NOW,
    );
    expect(result.ok && result.events[0]).toMatchObject({ truncated: true });
    expect(result.ok && result.events[0]?.summary).toHaveLength(LIMITS.summary);
  });

  it('keeps only the first links when an event carries too many, and turns images into links', () => {
    const links = Array.from({ length: 30 }, (_, i) => ({
      href: `https://example.com/${i}`,
      text: `l${i}`,
    }));
    const images = [
      {
        src: 'https://img.example.com/a.png',
        href: 'https://grafana.example.com/d/1',
        alt: 'graph',
      },
    ];
    const few = adaptPagerDuty({ ...trigger, links: links.slice(0, 2), images }, NOW);
    expect(few.ok && few.events[0]?.links).toEqual([
      ...links.slice(0, 2),
      { href: 'https://grafana.example.com/d/1', text: 'graph' },
    ]);
    const many = adaptPagerDuty({ ...trigger, links }, NOW);
    expect(many.ok && many.events[0]?.links).toHaveLength(LIMITS.links);
    expect(many.ok && many.events[0]?.truncated).toBe(true);
  });

  it('names the broken entry of a links array', () => {
    expect(errorsOf({ ...trigger, links: [{ text: 'no href' }, 'bare'] })).toEqual([
      "'links[0].href' is missing or blank",
      "'links[1]' is invalid (must be an object)",
    ]);
  });

  it.each(HOSTILE_BODIES)('answers %s with an error instead of throwing', (_name, body) => {
    const result = adaptPagerDuty(body, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
  });
});

describe('PagerDuty change events', () => {
  it('reads the change @pagerduty/pdjs sends: summary, its timestamp, and no details or links', () => {
    expect(adaptPagerDutyChange(pdjs.change.body, NOW)).toEqual({
      ok: true,
      routingKey: 'R0UTINGKEY0000000000000000000000',
      change: {
        summary: 'deploy v1.2',
        source: null,
        occurredAt: Date.parse('2026-11-26T10:58:11.612Z'),
        details: null,
        links: [],
      },
    });
  });

  it('cuts the summary and custom details of a change to the limits an alert has', () => {
    const result = adaptPagerDutyChange(
      {
        routing_key: 'k',
        payload: { summary: 'x'.repeat(5000), custom_details: { log: 'y'.repeat(LIMITS.details) } },
      },
      NOW,
    );
    if (!result.ok) throw new Error(result.errors.join('; '));
    expect(result.change.summary).toHaveLength(LIMITS.summary);
    expect(result.change.details).toMatchObject({ truncated: true, limit: LIMITS.details });
    expect(result.change).not.toHaveProperty('occurredAt');
  });

  it.each(HOSTILE_BODIES)(
    'answers %s as a change event with an error instead of throwing',
    (_name, body) => {
      const result = adaptPagerDutyChange(body, NOW);
      expect(result.ok).toBe(false);
    },
  );
});
