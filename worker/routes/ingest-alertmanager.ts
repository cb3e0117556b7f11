/**
 * Prometheus Alertmanager `webhook_configs` (payload version 4): POST /hooks/alertmanager/{key},
 * or POST /hooks/alertmanager with `Authorization: Bearer <key>` (http_config.authorization).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { alertmanagerSchema } from '../../schema/alert-group-schemas';
import { alertmanagerGroup, type GroupAdapter } from '../adapters/alertmanager';
import { credentials } from '../service/intake';
import { documentHook, handleHook, type HookFormat } from './ingest-hook';

const format: HookFormat = {
  type: 'alertmanager',
  keyHint:
    'post to /hooks/alertmanager/<key>, or set http_config.authorization.credentials to the key',
  overloadStatus: 503,
  group: { adapter: alertmanagerGroup as GroupAdapter<unknown, unknown> },
};

export const alertmanager = new OpenAPIHono<AppEnv>();

alertmanager.on('POST', ['/hooks/alertmanager/:key', '/hooks/alertmanager/:key/'], (c) =>
  handleHook(c, format, c.req.param('key')),
);
alertmanager.on('POST', ['/hooks/alertmanager', '/hooks/alertmanager/'], (c) =>
  handleHook(c, format, credentials(c.req.raw, 'Bearer')),
);

documentHook(alertmanager, {
  method: 'post',
  path: '/hooks/alertmanager/{key}',
  summary: 'Alertmanager webhook (webhook_configs, version 4)',
  description:
    'One incident per groupKey; every alert of the group is listed by fingerprint; the incident resolves when all its alerts have. ' +
    'The key may instead be sent as `Authorization: Bearer <key>` to /hooks/alertmanager. Overload answers 503 with Retry-After, because Alertmanager drops 4xx for good.',
  keyInPath: true,
  body: { schema: alertmanagerSchema },
});
