/**
 * GET /api/bench/object-stubs: how many Durable Object stubs this isolate has made, by class, since it started.
 * Every request to an incident, service or feed object starts with one (worker/stubs.ts is the only place that
 * makes them), so the bench reads it before and after a load to show which objects the load reached. Off (404)
 * unless BENCH_COUNTERS is "true": local bench runs only.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { notFound } from '../errors';
import { STUB_COUNTS } from '../stubs';

export const benchCounters = new Hono<AppEnv>();
benchCounters.get('/object-stubs', (c) => {
  if (c.env.BENCH_COUNTERS !== 'true') throw notFound('No route for GET /api/bench/object-stubs');
  return c.json({ ...STUB_COUNTS });
});
