/** The `webhook.test` event "send test event" delivers: a sample incident, so a receiver can try its parsing. */
import type { WebhookEvent } from '../../schema/webhook-schemas';
import { newId } from '../ids';

export function testEvent(origin: string, at: number): WebhookEvent {
  const id = 'inc_test00000000000000000';
  return {
    version: 1,
    id: newId('evt'),
    type: 'webhook.test',
    occurred_at: new Date(at).toISOString(),
    incident: {
      id,
      number: 0,
      title: 'Test event from Firebell',
      status: 'triggered',
      severity: 'info',
      service: null,
      url: new URL(`/incidents/${id}`, origin).href,
    },
    actor: { type: 'system', name: 'Firebell' },
    entry: null,
  };
}
