/** A change event on the wire: the zod shape and the type derived from it (schema/change.ts re-exports the type). */
import { z } from '@hono/zod-openapi';

export const changeSchema = z
  .object({
    id: z.string(),
    serviceId: z.string(),
    /** The integration that sent it, and its name at the time. */
    integrationId: z.string(),
    integrationName: z.string(),
    summary: z.string(),
    source: z.string().nullable(),
    /** When the change happened: the sender's timestamp, never later than when it arrived. */
    at: z.number().openapi({
      description:
        'When the change happened (epoch ms): the sender’s timestamp, never later than receivedAt',
    }),
    receivedAt: z.number(),
    details: z.record(z.string(), z.unknown()).nullable(),
    links: z.array(z.object({ href: z.string(), text: z.string().optional() })),
  })
  .openapi('ChangeEvent');

export type ChangeEvent = z.infer<typeof changeSchema>;
