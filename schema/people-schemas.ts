/** People and teams on the wire: the zod shapes (OpenAPI doc) and the types derived from them. */
import { z } from '@hono/zod-openapi';

export const roleSchema = z.enum(['admin', 'responder', 'viewer']);

/** Who is signed in, as GET /api/me answers. */
export const userSchema = z
  .object({ id: z.string(), name: z.string(), role: roleSchema })
  .openapi('User');

/** Someone in the directory, as an admin lists them. */
export const personSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: roleSchema,
    disabled: z
      .boolean()
      .openapi({ description: 'suspended by an admin: cannot sign in, is not paged' }),
    reachable: z.boolean().optional().openapi({
      description:
        'In the list: false when their notification rules reach nothing (no push device, no verified email or phone they use)',
    }),
  })
  .openapi('Person');

export const teamSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    members: z.array(z.object({ id: z.string(), name: z.string() })),
    createdAt: z.number(),
  })
  .openapi('Team');

/** What an admin changes about someone: role, suspension, or both. */
export const personPatchBody = z
  .object({
    role: roleSchema.optional(),
    disabled: z.boolean().optional().openapi({
      description: 'true: no sign-in, no pages, no acknowledging; false: restore',
    }),
  })
  .strict()
  .refine((b) => b.role !== undefined || b.disabled !== undefined, {
    message: 'send role, disabled or both',
  });

export const namedSchema = z.object({ id: z.string(), name: z.string() });
/** Where a person is still named after a change that stops them being paged. */
export const placesSchema = z
  .object({ schedules: z.array(namedSchema), policies: z.array(namedSchema) })
  .openapi({
    description:
      'Rotations and escalation levels that still name this person: they page nobody there until an admin edits them',
  });

const userIds = z.array(z.string().min(1).max(64)).max(200);
const teamName = z.string().trim().min(1).max(120);
export const teamInput = z.object({ name: teamName, userIds: userIds.default([]) }).strict();
export const teamMembersBody = z.object({ userIds }).strict();
export const teamRenameBody = z.object({ name: teamName }).strict();

export type Role = z.infer<typeof roleSchema>;
export type User = z.infer<typeof userSchema>;
export type Person = z.infer<typeof personSchema>;
export type Team = z.infer<typeof teamSchema>;
export type Places = z.infer<typeof placesSchema>;
