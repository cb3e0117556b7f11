/**
 * Ways in, on the wire: API tokens, sessions, invites and sign-in links, and secret calendar feeds, as zod
 * shapes with the types derived from them (the PWA imports the types only).
 */
import { z } from '@hono/zod-openapi';
import { personSchema, placesSchema, roleSchema } from './people-schemas';

/** A personal API token, never its secret (GET /api/tokens). */
export const apiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.number(),
    lastUsedAt: z.number().nullable(),
    revokedAt: z.number().nullable(),
  })
  .openapi('ApiToken');
export const newTokenBody = z.object({ name: z.string().trim().min(1).max(80) }).strict();
/** The one answer that carries the secret: creation. */
export const issuedTokenSchema = apiTokenSchema.extend({ token: z.string() });

export const sessionSchema = z
  .object({
    id: z.string(),
    createdAt: z.number(),
    expiresAt: z.number(),
    userAgent: z.string().nullable(),
  })
  .openapi('Session');

export const displayName = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .openapi({ description: 'how teammates see you', example: 'Ana Lima' });
export const renameMeBody = z.object({ name: displayName }).strict();

export const inviteBody = z
  .object({
    role: roleSchema.default('responder'),
    userId: z.string().max(64).optional().openapi({
      description:
        'Sign in an existing user instead of creating one (e.g. the admin on a new phone). Such a link lasts an hour and replaces that user’s older unused links.',
    }),
  })
  .strict();
export const inviteSchema = z.object({ url: z.string(), token: z.string(), expiresAt: z.number() });
export const acceptBody = z
  .object({ token: z.string().min(10).max(200), name: displayName.optional() })
  .strict();

export const calendarFeedSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['schedule', 'user']),
    refId: z.string().openapi({ description: 'the schedule or the person it shows' }),
    refName: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.number(),
  })
  .openapi('CalendarFeed');
/** What a new feed's answer looks like (the URL is shown once; DELETE /api/calendar-feeds/{id} revokes it). */
export const issuedFeedSchema = z.object({ url: z.string(), id: z.string() });

/** One person with every way they are signed in (GET /api/users/{id}, admin). */
export const personDetailSchema = z.object({
  user: personSchema,
  sessions: z.array(sessionSchema),
  tokens: z.array(apiTokenSchema),
  calendarFeeds: z.array(calendarFeedSchema),
  stillNamedBy: placesSchema,
});

export type ApiToken = z.infer<typeof apiTokenSchema>;
export type IssuedToken = z.infer<typeof issuedTokenSchema>;
export type Session = z.infer<typeof sessionSchema>;
export type Invite = z.infer<typeof inviteSchema>;
export type CalendarFeed = z.infer<typeof calendarFeedSchema>;
export type IssuedFeed = z.infer<typeof issuedFeedSchema>;
export type PersonDetail = z.infer<typeof personDetailSchema>;
