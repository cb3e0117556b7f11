import { useState } from 'preact/hooks';
import { formatDayTime } from '../../lib/format';
import { useAction, useLoaded } from '../../lib/hooks';
import {
  installSlackWorkspace,
  listSlackChannels,
  listSlackErrors,
  listSlackWorkspaces,
  mapSlackChannel,
  unmapSlackChannel,
  type SlackChannel,
  type SlackError,
  type SlackWorkspace,
} from '../../lib/slack-api';
import type { Service } from '../../lib/types';
import { Notice } from '../notice';

interface State {
  workspaces: SlackWorkspace[];
  channels: SlackChannel[];
  errors: SlackError[];
}

const BLANK_WORKSPACE = { teamId: '', name: '', botToken: '', signingSecret: '' };

/** Slack (admin): the installed workspace, which service posts to which channel, and what Slack refused. */
export function SlackAdmin({ services }: { services: Service[] }) {
  const [workspace, setWorkspace] = useState(BLANK_WORKSPACE);
  const [mapping, setMapping] = useState({ serviceId: '', channelId: '' });
  const { pending, outcome, run } = useAction();

  const {
    data: state,
    error: loadError,
    reload,
  } = useLoaded<State>(async () => {
    const [w, c, e] = await Promise.all([
      listSlackWorkspaces(),
      listSlackChannels(),
      listSlackErrors(),
    ]);
    return { workspaces: w.workspaces, channels: c.channels, errors: e.errors };
  });

  const install = (ev: Event) => {
    ev.preventDefault();
    void run('Installing…', async () => {
      await installSlackWorkspace(workspace);
      setWorkspace(BLANK_WORKSPACE);
      await reload();
      return 'Installed. The token and signing secret are stored encrypted and never shown again.';
    });
  };
  const team = state?.workspaces[0]?.teamId;
  const map = (ev: Event) => {
    ev.preventDefault();
    if (!team) return;
    void run('Saving…', async () => {
      await mapSlackChannel(mapping.serviceId, team, mapping.channelId.trim());
      setMapping({ serviceId: '', channelId: '' });
      await reload();
      return 'Saved. Invite the app to that channel: /invite @Firebell';
    });
  };
  const unmap = (serviceId: string) =>
    run('Removing…', async () => {
      await unmapSlackChannel(serviceId);
      await reload();
      return 'Removed.';
    });
  const serviceName = (id: string) => services.find((s) => s.id === id)?.name ?? id;
  const field = (name: keyof typeof BLANK_WORKSPACE, label: string, secret = false) => (
    <label class="field">
      <span>{label}</span>
      {secret ? (
        <input
          type="password"
          autocomplete="off"
          value={workspace[name]}
          onInput={(e) => setWorkspace({ ...workspace, [name]: e.currentTarget.value })}
        />
      ) : (
        <input
          autocomplete="off"
          value={workspace[name]}
          onInput={(e) => setWorkspace({ ...workspace, [name]: e.currentTarget.value })}
        />
      )}
    </label>
  );

  return (
    <section aria-labelledby="slack-admin-heading" class="stack">
      <h2 id="slack-admin-heading">Slack</h2>
      {loadError && (
        <p class="notice notice-error" role="alert">
          {loadError}
        </p>
      )}
      {state && state.workspaces.length > 0 && (
        <p class="muted small">
          Installed: {state.workspaces.map((w) => `${w.name} (${w.teamId})`).join(', ')}
        </p>
      )}
      <form class="card stack admin-form" aria-label="Install Slack" onSubmit={install}>
        {field('teamId', 'Team id (T…)')}
        {field('name', 'Workspace name')}
        {field('botToken', 'Bot token (xoxb-…)', true)}
        {field('signingSecret', 'Signing secret', true)}
        <button type="submit" class="button" disabled={pending !== null || !workspace.botToken}>
          Install
        </button>
      </form>
      {team && (
        <form class="card stack admin-form" aria-label="Post a service to a channel" onSubmit={map}>
          <label class="field">
            <span>Service</span>
            <select
              value={mapping.serviceId}
              onChange={(e) => setMapping({ ...mapping, serviceId: e.currentTarget.value })}
            >
              <option value="">Pick a service</option>
              {services.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            <span>Channel id (C…)</span>
            <input
              value={mapping.channelId}
              onInput={(e) => setMapping({ ...mapping, channelId: e.currentTarget.value })}
            />
          </label>
          <button
            type="submit"
            class="button"
            disabled={pending !== null || !mapping.serviceId || !mapping.channelId.trim()}
          >
            Save
          </button>
        </form>
      )}
      <Notice outcome={outcome} pending={pending} />
      {state && state.channels.length > 0 && (
        <ul class="card-list" aria-label="Slack channels">
          {state.channels.map((c) => (
            <li key={c.serviceId} class="card">
              <strong>{serviceName(c.serviceId)}</strong> → {c.channelId}{' '}
              <button type="button" class="button" onClick={() => void unmap(c.serviceId)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {state && state.errors.length > 0 && (
        <>
          <h3>What Slack refused</h3>
          <ul class="card-list" aria-label="Slack errors">
            {state.errors.slice(0, 20).map((e) => (
              <li key={e.id} class="card">
                <strong>{e.error}</strong> · {e.method} to {e.channelId ?? '?'}{' '}
                <span class="muted small">{formatDayTime(e.at)}</span>
                {e.incidentId && (
                  <>
                    {' '}
                    · <a href={`/incidents/${encodeURIComponent(e.incidentId)}`}>incident</a>
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
