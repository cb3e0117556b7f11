/** OpenAPI/zod shape of a change event on the wire (the TypeScript type lives in schema/change.ts). */
import { z } from '@hono/zod-openapi';

export const changeSchema = z
  .object({
    id: z.string(),
    serviceId: z.string(),
    integrationId: z.string(),
    integrationName: z.string(),
    summary: z.string(),
    source: z.string().nullable(),
    at: z.number().openapi({
      description:
        'When the change happened (epoch ms): the sender’s timestamp, never later than receivedAt',
    }),
    receivedAt: z.number(),
    details: z.record(z.string(), z.unknown()).nullable(),
    links: z.array(z.object({ href: z.string(), text: z.string().optional() })),
  })
  .openapi('ChangeEvent');
