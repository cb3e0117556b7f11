-- Slack (worker/chat/): installed workspaces, the channel each service posts to, the Slack users linked to
-- Firebell users, one-time link codes, recent inbound signatures (replay refusal) and the errors Slack returned.
-- Bot tokens and signing secrets are stored AES-GCM encrypted (key derived from SESSION_SECRET) and never returned.
CREATE TABLE slack_workspaces (
  team_id        TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  bot_token      TEXT NOT NULL,
  signing_secret TEXT NOT NULL,
  api_base       TEXT NOT NULL,
  created_at     INTEGER NOT NULL
);

CREATE TABLE slack_channels (
  service_id TEXT PRIMARY KEY REFERENCES services(id) ON DELETE CASCADE,
  team_id    TEXT NOT NULL REFERENCES slack_workspaces(team_id) ON DELETE CASCADE,
  channel_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE slack_users (
  team_id       TEXT NOT NULL REFERENCES slack_workspaces(team_id) ON DELETE CASCADE,
  slack_user_id TEXT NOT NULL,
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  slack_name    TEXT NOT NULL,
  linked_at     INTEGER NOT NULL,
  PRIMARY KEY (team_id, slack_user_id)
);
CREATE INDEX slack_users_user ON slack_users(user_id);

-- A code is shown once in Settings and redeemed with `/firebell link CODE`; stored as a keyed hash.
CREATE TABLE slack_link_codes (
  code_hash  TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL
);

-- Signatures of accepted inbound requests within the 5-minute window: the same request twice is a replay.
CREATE TABLE slack_seen (
  signature TEXT PRIMARY KEY,
  at        INTEGER NOT NULL
);

-- What Slack refused (channel_not_found, not_in_channel, invalid_auth …), newest kept, shown in Admin.
CREATE TABLE slack_errors (
  id          TEXT PRIMARY KEY,
  team_id     TEXT NOT NULL,
  channel_id  TEXT,
  incident_id TEXT,
  method      TEXT NOT NULL,
  error       TEXT NOT NULL,
  at          INTEGER NOT NULL
);
CREATE INDEX slack_errors_at ON slack_errors(at);

-- Mattermost and Microsoft Teams: per service, an incoming-webhook URL (Mattermost's Slack-compatible
-- incoming webhook, or a Teams Workflows webhook taking Adaptive Cards) that each incident event is posted to,
-- one way. The URL carries its own secret, so it is sealed like the Slack tokens and never returned whole.
CREATE TABLE chat_webhooks (
  id         TEXT PRIMARY KEY,
  service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('mattermost', 'teams')),
  url        TEXT NOT NULL,
  url_hint   TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX chat_webhooks_service ON chat_webhooks(service_id);

-- Mattermost's `/firebell` slash command: the token Mattermost sends with it, per Mattermost team (sealed).
CREATE TABLE mattermost_commands (
  team_id    TEXT PRIMARY KEY,
  token      TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- Mattermost users linked to Firebell users, with the same one-time codes as Slack.
CREATE TABLE mattermost_users (
  team_id    TEXT NOT NULL REFERENCES mattermost_commands(team_id) ON DELETE CASCADE,
  mm_user_id TEXT NOT NULL,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  mm_name    TEXT NOT NULL,
  linked_at  INTEGER NOT NULL,
  PRIMARY KEY (team_id, mm_user_id)
);
