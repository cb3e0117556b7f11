/**
 * POST /api/test/clock {advanceMinutes}: moves Firebell's one clock (worker/clock.ts) forward and runs, at once,
 * whatever every open incident had scheduled up to the new time (notification-rule steps, escalations), so an
 * end-to-end test can watch "email at minute 2" without waiting two minutes.
 *
 * Off (404, as if it did not exist) unless the Worker has TEST_CLOCK="true", which only scripts/start.mjs passes
 * through from its own environment (the e2e harness sets it); wrangler.toml never defines it, so a deployed
 * Worker has no such route. Admin only, and only asked over loopback, as a second lock.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { now, setClock } from '../clock';
import { ProblemError, notFound } from '../errors';
import { incidentStub } from '../stubs';

const Advance = z.strictObject({
  advanceMinutes: z
    .number()
    .positive()
    .max(7 * 24 * 60),
});

/** How far this isolate's clock runs ahead of the real one. */
let aheadMs = 0;

export const testClock = new Hono<AppEnv>();
testClock.use('*', async (c, next) => {
  const host = new URL(c.req.url).hostname;
  if (c.env.TEST_CLOCK !== 'true' || !['127.0.0.1', 'localhost', '[::1]'].includes(host))
    throw notFound(`No route for ${c.req.method} ${new URL(c.req.url).pathname}`);
  await next();
});
testClock.post('/clock', requireRole('admin'), async (c) => {
  const body = Advance.safeParse(await c.req.json().catch(() => null));
  if (!body.success)
    throw new ProblemError(
      400,
      'validation',
      'send {"advanceMinutes": n} with 0 < n ≤ 10080 (a week)',
    );
  aheadMs += body.data.advanceMinutes * 60_000;
  setClock(() => Date.now() + aheadMs);
  const open = await c.env.DB.prepare(
    "SELECT id FROM incidents WHERE status IN ('triggered', 'acknowledged') ORDER BY number",
  ).all<{ id: string }>();
  for (const { id } of open.results) await incidentStub(c.env, id).runDue();
  return c.json({ now: new Date(now()).toISOString(), incidentsWoken: open.results.length });
});
