/**
 * Slack: the admin shapes of /api/slack (workspaces, service → channel mappings, the errors Slack returned)
 * and the user's link code. Secrets go in, never out: a workspace is returned without its bot token or
 * signing secret.
 */
import { z } from '@hono/zod-openapi';

export const slackWorkspaceInput = z
  .object({
    /** Slack's team id (T…), as in the app's "Basic Information" and every request Slack sends. */
    teamId: z
      .string()
      .regex(/^[A-Z0-9]{2,32}$/, 'a Slack team id such as T0123ABCD')
      .openapi({ example: 'T0123ABCD' }),
    name: z.string().trim().min(1).max(100).openapi({ example: 'Acme' }),
    /** The Bot User OAuth Token (xoxb-…). */
    botToken: z
      .string()
      .regex(/^xox[a-z]-[A-Za-z0-9-]{4,250}$/, 'a Slack bot token (xoxb-…)')
      .openapi({ example: 'xoxb-1234-5678-abcdef' }),
    /** From "Basic Information → App Credentials → Signing Secret". */
    signingSecret: z.string().min(8).max(200),
    /** The Web API base (default: Slack's own); only set it for a stand-in (tests) or a Slack-compatible server. */
    apiBase: z
      .string()
      .min(1)
      .max(500)
      .optional()
      .openapi({ description: "Web API base URL; default Slack's own (slack.com/api)" }),
  })
  .openapi('SlackWorkspaceInput');
export type SlackWorkspaceInput = z.infer<typeof slackWorkspaceInput>;

/** Where the Slack Web API is, unless a workspace says otherwise. */
export const SLACK_API_BASE = 'https://slack.com/api';

export const slackWorkspaceSchema = z
  .object({
    teamId: z.string(),
    name: z.string(),
    apiBase: z.string(),
    createdAt: z.number().int(),
  })
  .openapi('SlackWorkspace');
export type SlackWorkspace = z.infer<typeof slackWorkspaceSchema>;

export const slackChannelInput = z
  .object({
    teamId: z.string().min(1).max(32),
    /** The channel id (C…): in Slack, the channel's "About" tab. Invite the app to it (`/invite @Firebell`). */
    channelId: z
      .string()
      .regex(/^[A-Z0-9]{2,32}$/, 'a Slack channel id such as C0123ABCD')
      .openapi({ example: 'C0123ABCD' }),
  })
  .openapi('SlackChannelInput');
export type SlackChannelInput = z.infer<typeof slackChannelInput>;

export const slackChannelSchema = z
  .object({
    serviceId: z.string(),
    teamId: z.string(),
    channelId: z.string(),
    createdAt: z.number().int(),
  })
  .openapi('SlackChannel');
export type SlackChannel = z.infer<typeof slackChannelSchema>;

/** A call Slack refused for good (it is also on the incident's timeline). */
export const slackErrorSchema = z
  .object({
    id: z.string(),
    teamId: z.string(),
    channelId: z.string().nullable(),
    incidentId: z.string().nullable(),
    method: z.string().openapi({ example: 'chat.postMessage' }),
    error: z.string().openapi({ example: 'channel_not_found' }),
    at: z.number().int(),
  })
  .openapi('SlackError');
export type SlackError = z.infer<typeof slackErrorSchema>;

/** POST /api/me/slack-link: a one-time code to send as `/firebell link CODE`. */
export const slackLinkCodeSchema = z
  .object({
    code: z.string().openapi({ example: 'K7QF-29XM' }),
    command: z.string().openapi({ example: '/firebell link K7QF-29XM' }),
    expiresAt: z.number().int(),
  })
  .openapi('SlackLinkCode');
export type SlackLinkCode = z.infer<typeof slackLinkCodeSchema>;

/** The Slack accounts linked to me. */
export const slackLinkSchema = z
  .object({
    teamId: z.string(),
    slackUserId: z.string(),
    slackName: z.string(),
    linkedAt: z.number().int(),
  })
  .openapi('SlackLink');
export type SlackLink = z.infer<typeof slackLinkSchema>;
