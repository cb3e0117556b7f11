import { useState } from 'preact/hooks';
import { Notice } from '../components/notice';
import { MessageScreen } from '../components/screens';
import { ackKey } from '../lib/ack-key';
import { ackWithToken, isNetworkError } from '../lib/api';
import { useAction, useTitle } from '../lib/hooks';
import { enqueue } from '../lib/outbox';

/**
 * A page's link opened on a device with no session (expired, or a browser without notification buttons):
 * the action token alone is enough to acknowledge, so that one tap still stops the escalation.
 */
export function PagedSignedOut({ incidentId, token }: { incidentId: string; token: string }) {
  useTitle('Paged');
  const { pending, outcome, run } = useAction();
  const [done, setDone] = useState<'Acknowledged' | 'Queued' | null>(null);

  const acknowledge = () =>
    run('Acknowledging…', async () => {
      const key = await ackKey(token);
      try {
        const { incident } = await ackWithToken(token, incidentId, key);
        setDone('Acknowledged');
        return `#${incident.number} acknowledged. Escalation stopped.`;
      } catch (err) {
        if (!isNetworkError(err)) throw err;
        enqueue({
          key,
          incidentId,
          path: '/api/push/ack',
          body: { token, incidentId },
          label: 'Acknowledge',
          done: 'Acknowledged. Escalation stopped.',
        });
        setDone('Queued');
        return 'Acknowledgement queued: waiting for network.';
      }
    });

  return (
    <MessageScreen title="You were paged">
      <p>
        Acknowledge to stop the escalation. To see the incident and its timeline, open your invite
        link on this phone.
      </p>
      <button
        type="button"
        class="button button-big button-primary"
        disabled={pending !== null || done !== null}
        onClick={acknowledge}
      >
        {done ?? 'Acknowledge'}
      </button>
      <Notice outcome={outcome} pending={pending} />
    </MessageScreen>
  );
}
