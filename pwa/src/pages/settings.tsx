import { useState } from 'preact/hooks';
import { ApiTokens } from '../components/api-tokens';
import { AppBar } from '../components/app-bar';
import { DeviceList } from '../components/device-list';
import { DeviceStatus } from '../components/device-status';
import { EmailMethods } from '../components/email-methods';
import { NotificationRulesEditor } from '../components/notification-rules';
import { Notice } from '../components/notice';
import { SlackLinkSection } from '../components/slack-link';
import { logout, renameMe } from '../lib/api';
import { useAction, useTitle } from '../lib/hooks';
import { useInOrder } from '../lib/in-order';
import { clearSavedLists } from '../lib/list-snapshot';
import { clearOutbox } from '../lib/outbox';
import { isIos } from '../lib/push';
import { navigate } from '../lib/router';
import { checkForUpdate, clearApiCache } from '../lib/sw-bridge';
import type { User } from '../lib/types';

interface Props {
  me: User;
  onSignedOut: () => void;
  /** I renamed myself: the app shows the new name everywhere. */
  onRenamed?: (user: User) => void;
}

/** Settings' sections top to bottom: each shows once those above have loaded, so none moves a control already shown. */
const SECTIONS = ['device', 'devices', 'contacts', 'rules', 'tokens', 'slack', 'account'] as const;

/** /settings — pages on this device, my devices, my email addresses and notification rules, my API tokens, sign out. Loaded on demand (see app.tsx). */
export function SettingsPage({ me, onSignedOut, onRenamed }: Props) {
  useTitle('Settings');
  const { pending, outcome, run } = useAction();
  const [devicesVersion, setDevicesVersion] = useState(0);
  const order = useInOrder(SECTIONS);

  const signOut = () =>
    run('Signing out…', async () => {
      await logout();
      clearOutbox();
      clearSavedLists();
      await clearApiCache();
      onSignedOut();
      navigate('/', { replace: true });
      return 'Signed out.';
    });

  const checkUpdate = () =>
    run('Checking for updates…', async () => {
      await checkForUpdate();
      return 'Checked. A new version, if there is one, will offer to reload.';
    });

  return (
    <>
      <AppBar title="Settings" />
      <main class="page stack">
        <section aria-labelledby="notifications-heading">
          <h2 id="notifications-heading">Notifications on this device</h2>
          <DeviceStatus order={order.device} onTurnedOn={() => setDevicesVersion((v) => v + 1)} />
          {isIos() && (
            <p class="muted small" hidden={order.devices.hidden}>
              iPhone and iPad (iOS 16.4 or later) deliver web pages only to apps on the Home Screen:
              in Safari tap Share, then “Add to Home Screen”, and turn notifications on from the
              installed app.
            </p>
          )}
        </section>
        <DeviceList version={devicesVersion} order={order.devices} />
        <EmailMethods order={order.contacts} />
        <NotificationRulesEditor order={order.rules} />
        <ApiTokens order={order.tokens} />
        <SlackLinkSection order={order.slack} />
        <section aria-labelledby="account-heading" hidden={order.account.hidden}>
          <h2 id="account-heading">Account</h2>
          <MyName me={me} onRenamed={onRenamed} />
          <div class="row-buttons">
            <button type="button" class="button" disabled={pending !== null} onClick={checkUpdate}>
              Check for updates
            </button>
            <button
              type="button"
              class="button button-danger"
              disabled={pending !== null}
              onClick={signOut}
            >
              Sign out
            </button>
          </div>
          <Notice outcome={outcome} pending={pending} />
        </section>
      </main>
    </>
  );
}

/** My display name, as teammates see it on timelines and schedules; changeable here. */
function MyName({ me, onRenamed }: { me: User; onRenamed?: (user: User) => void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(me.name);
  const { pending, outcome, run } = useAction();
  const save = (ev: Event) => {
    ev.preventDefault();
    void run('Saving your name…', async () => {
      const { user } = await renameMe(name.trim());
      setEditing(false);
      onRenamed?.(user);
      return `Your teammates now see you as ${user.name}.`;
    });
  };
  return (
    <>
      {editing ? (
        <form class="inline-form" onSubmit={save}>
          <label class="field">
            <span>Your name</span>
            <input
              value={name}
              maxLength={80}
              autocomplete="name"
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </label>
          <button
            type="submit"
            class="button button-primary"
            disabled={pending !== null || !name.trim()}
          >
            Save
          </button>
          <button type="button" class="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <p class="device-label">
          <strong>{me.name}</strong> <span class="muted">· {me.role}</span>
          <button
            type="button"
            class="button"
            onClick={() => {
              setName(me.name);
              setEditing(true);
            }}
          >
            Change name
          </button>
        </p>
      )}
      <Notice outcome={outcome} pending={pending} />
    </>
  );
}
