/**
 * Every monitor's native endpoint, mounted at the root because senders hard-code these paths
 * (/v2/enqueue, /v2/alerts). wrangler.toml's run_worker_first sends /v2/* and /hooks/* to the Worker.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { alertmanager } from './ingest-alertmanager';
import { custom } from './ingest-custom';
import { generic } from './ingest-generic';
import { grafana } from './ingest-grafana';
import { opsgenie } from './ingest-opsgenie';
import { pagerduty } from './ingest-pagerduty';

export const ingest = new OpenAPIHono<AppEnv>();
ingest.route('/', pagerduty);
ingest.route('/', opsgenie);
ingest.route('/', alertmanager);
ingest.route('/', grafana);
ingest.route('/', generic);
ingest.route('/', custom);
