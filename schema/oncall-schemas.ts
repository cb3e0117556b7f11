/** What GET /api/oncall and /api/oncall/me answer, with the types derived from them. */
import { z } from '@hono/zod-openapi';
import { COVERAGE_DAYS } from './oncall';
import { intervalSchema, responderSchema } from './schedule-schemas';

const levelNowSchema = z.object({
  level: z.number().int().openapi({ description: '1-based' }),
  delayMinutes: z.number(),
  users: z.array(responderSchema).openapi({ description: 'who this level pages now, in order' }),
  empty: z
    .array(z.object({ type: z.enum(['user', 'schedule']), id: z.string(), name: z.string() }))
    .openapi({ description: 'targets that reach nobody now' }),
});
export const serviceOnCallSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    policy: z.object({ id: z.string(), name: z.string() }),
    levels: z.array(levelNowSchema),
    reachesNobody: z.boolean().openapi({
      description: 'no level has anyone on call: an incident now would page the admins instead',
    }),
    gaps: z.array(intervalSchema).openapi({
      description: `when no level reaches anyone within the next ${COVERAGE_DAYS} days; a gap under way starts at \`at\``,
    }),
  })
  .openapi('ServiceOnCall');
export const onCallNowSchema = z.object({
  at: z.number(),
  until: z.number().openapi({ description: 'gaps are looked for in [at, until)' }),
  services: z.array(serviceOnCallSchema),
});
const myShiftSchema = z
  .object({
    scheduleId: z.string(),
    scheduleName: z.string(),
    start: z.number(),
    end: z.number(),
    override: z.boolean(),
  })
  .openapi('MyShift');
export const myShiftsSchema = z.object({
  from: z.number(),
  to: z.number(),
  reachable: z.boolean(),
  shifts: z.array(myShiftSchema),
});

/** One service's escalation policy resolved to people right now. */
export type ServiceOnCall = z.infer<typeof serviceOnCallSchema>;
export type OnCallNow = z.infer<typeof onCallNowSchema>;
/** My shifts over the next two weeks. */
export type MyShifts = z.infer<typeof myShiftsSchema>;
