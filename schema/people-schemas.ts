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

export type Role = z.infer<typeof roleSchema>;
export type User = z.infer<typeof userSchema>;
export type Person = z.infer<typeof personSchema>;
export type Team = z.infer<typeof teamSchema>;
