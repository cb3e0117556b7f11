import { useCallback, useEffect, useState } from 'preact/hooks';
import { formatDayTime } from '../lib/format';
import { useAction } from '../lib/hooks';
import {
  mySlackLinks,
  newSlackLinkCode,
  type SlackLink,
  type SlackLinkCode,
} from '../lib/slack-api';
import { CopyField } from './copy-field';
import { Notice } from './notice';

/** Settings → Slack: a one-time code to send as `/firebell link CODE`, and the Slack users linked to me. */
export function SlackLinkSection() {
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

  const getCode = () =>
    run('Making a code…', async () => {
      setCode(await newSlackLinkCode());
      return 'Send the command below in Slack within 15 minutes.';
    });

  return (
    <section aria-labelledby="slack-heading">
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
      <button type="button" class="button" disabled={pending !== null} onClick={getCode}>
        Link Slack
      </button>
      <Notice outcome={outcome} pending={pending} />
      {code && <CopyField label="Slack command" value={code.command} />}
    </section>
  );
}
