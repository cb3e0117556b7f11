/** GET /api/health's answer: what a load balancer or uptime check polls. */
import { z } from '@hono/zod-openapi';

export const healthSchema = z.object({ status: z.literal('ok'), service: z.string() });

export type Health = z.infer<typeof healthSchema>;
