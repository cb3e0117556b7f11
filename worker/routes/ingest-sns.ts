/**
 * Amazon SNS around a custom integration's body (a CloudWatch alarm, or anything published to a topic): every
 * delivery's signature is checked first (worker/mapping/sns.ts); a subscription confirmation is answered by
 * visiting its SubscribeURL, once per confirmation, and kept on the integration's recent payloads; a
 * notification's Message goes on to the mapping. A refusal is recorded with the payloads, then answered.
 */
import { badRequest, ProblemError } from '../errors';
import { now } from '../clock';
import {
  confirmSubscription,
  notificationBody,
  RAW_DELIVERY_REFUSED,
  readSnsMessage,
  SNS_RAW_HEADER,
  SNS_TYPE_HEADER,
  verifySnsMessage,
  type SnsMessage,
} from '../mapping/sns';
import type { Env } from '../env';
import type { Integration } from '../directory/integrations';
import { recordRequest, requestOutcome } from '../service/router-calls';
import type { Envelope } from './ingest-custom';
import type { Adapted } from './ingest-hook';

export const snsEnvelope: Envelope = {
  matches: (request) => request.headers.has(SNS_TYPE_HEADER),
  async open(body, request, integration, env) {
    try {
      if (request.headers.get(SNS_RAW_HEADER)?.trim().toLowerCase() === 'true')
        throw badRequest(RAW_DELIVERY_REFUSED);
      const message = readSnsMessage(body, request.headers.get(SNS_TYPE_HEADER));
      await verifySnsMessage(message, env, now());
      if (message.Type === 'Notification') return { body: notificationBody(message) };
      if (message.Type === 'SubscriptionConfirmation')
        return await confirm(message, integration, env);
      return {
        events: [],
        notes: [
          `SNS ended this endpoint's subscription to ${message.TopicArn}; to receive its alarms again, subscribe the integration's URL again.`,
        ],
      };
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      return { errors: [error.message], problem: error };
    }
  },
};

/**
 * SNS resends a confirmation it got no answer to, under the same MessageId: the first visit is kept in the
 * service's request log, so a resend is answered without visiting again. Two at once may both visit, which SNS
 * takes as one confirmation.
 */
async function confirm(message: SnsMessage, integration: Integration, env: Env): Promise<Adapted> {
  const requestId = `sns:${message.MessageId}`;
  const done = await requestOutcome(env, integration, requestId);
  if (done)
    return {
      events: [],
      notes: [`${done.status} at this confirmation's first delivery; not visited again.`],
    };
  const { subscriptionArn } = await confirmSubscription(message, env);
  const status = `Confirmed the SNS subscription to ${message.TopicArn}${subscriptionArn ? ` as ${subscriptionArn}` : ''}`;
  await recordRequest(env, integration, {
    requestId,
    action: 'ConfirmSubscription',
    processedAt: now(),
    isSuccess: true,
    status,
    alertId: '',
    alias: message.TopicArn,
  });
  return { events: [], notes: [`${status}.`] };
}
