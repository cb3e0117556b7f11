import { useCallback, useEffect, useState } from 'preact/hooks';
import { formatDayTime } from '../lib/format';
import { useAction } from '../lib/hooks';
import { type InOrderSlot, useSettles } from '../lib/in-order';
import {
  mySlackLinks,
  newSlackLinkCode,
  type SlackLink,
  type SlackLinkCode,
} from '../lib/slack-api';
import { CopyField } from './copy-field';
import { Notice } from './notice';

/**
 * Settings → Slack: a one-time code to send as `/firebell link CODE`, and the Slack users linked to me.
 * The button waits for the links, which go above it; `order` places it among Settings' sections (lib/in-order.ts).
 */
export function SlackLinkSection({ order }: { order?: InOrderSlot }) {
  const [links, setLinks] = useState<SlackLink[] | null>(null);
  const [code, setCode] = useState<SlackLinkCode | null>(null);
  const { pending, outcome, run } = useAction();

  const reload = useCallback(async () => {
    try {
      setLinks((await mySlackLinks()).links);
    } catch {
      setLinks([]);
    }
  }, []);
  useEffect(() => void reload(), [reload]);
  useSettles(order, links !== null);

  const getCode = () =>
    run('Making a code…', async () => {
      setCode(await newSlackLinkCode());
      return 'Send the command below in Slack within 15 minutes.';
    });

  return (
    <section aria-labelledby="slack-heading" aria-busy={links === null} hidden={order?.hidden}>
      <h2 id="slack-heading">Slack</h2>
      <p class="muted small">
        Link your Slack user to act as yourself from Slack: the Acknowledge and Resolve buttons and{' '}
        <code>/firebell</code>.
      </p>
      {links && links.length > 0 && (
        <ul class="card-list">
          {links.map((l) => (
            <li key={`${l.teamId}/${l.slackUserId}`} class="card">
              Linked to <strong>{l.slackName}</strong>{' '}
              <span class="muted small">since {formatDayTime(l.linkedAt)}</span>
            </li>
          ))}
        </ul>
      )}
      {links === null ? (
        <div class="skeleton-row" />
      ) : (
        <button type="button" class="button" disabled={pending !== null} onClick={getCode}>
          Link Slack
        </button>
      )}
      <Notice outcome={outcome} pending={pending} />
      {code && <CopyField label="Slack command" value={code.command} />}
    </section>
  );
}
