/**
 * Grafana unified alerting webhook contact point: POST or PUT /hooks/grafana/{key} (or the key as Bearer),
 * with HMAC verification when the integration was given a signing secret.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { grafanaSchema } from '../../schema/alert-group-schemas';
import type { GroupAdapter } from '../adapters/alertmanager';
import {
  GRAFANA_SIGNATURE_HEADERS,
  GRAFANA_TIMESTAMP_HEADER,
  grafanaGroup,
  grafanaSignature,
} from '../adapters/grafana';
import { now } from '../clock';
import { credentials } from '../service/intake';
import { documentHook, handleHook, type HookFormat } from './ingest-hook';

const SIGNATURE_PROBLEMS: Record<string, string> = {
  missing: `This integration has a signing secret: set it in the contact point's HMAC settings so Grafana sends ${GRAFANA_SIGNATURE_HEADERS[0]}.`,
  'no-timestamp': `Signed requests must carry a timestamp: set the contact point's HMAC "Timestamp header" to ${GRAFANA_TIMESTAMP_HEADER}.`,
  malformed:
    'The signature (or its timestamp) is malformed: expected lowercase hex HMAC-SHA256 and Unix seconds.',
  stale: `The signature timestamp is more than five minutes from Firebell's clock.`,
};

const format: HookFormat = {
  type: 'grafana',
  keyHint: 'post to /hooks/grafana/<key>, or send Authorization: Bearer <key>',
  overloadStatus: 503,
  group: {
    adapter: grafanaGroup as GroupAdapter<unknown, unknown>,
    signature: (integration, request) => {
      if (!integration.signingSecret) return null;
      const signature =
        GRAFANA_SIGNATURE_HEADERS.map((h) => request.headers.get(h)).find((v) => v) ?? null;
      const check = grafanaSignature(
        integration.signingSecret,
        signature,
        request.headers.get(GRAFANA_TIMESTAMP_HEADER),
        now(),
      );
      return check.ok
        ? check.stream
        : (SIGNATURE_PROBLEMS[check.reason] ?? 'The signature could not be verified.');
    },
  },
};

export const grafana = new OpenAPIHono<AppEnv>();

grafana.on(['POST', 'PUT'], ['/hooks/grafana/:key', '/hooks/grafana/:key/'], (c) =>
  handleHook(c, format, c.req.param('key')),
);
grafana.on(['POST', 'PUT'], ['/hooks/grafana', '/hooks/grafana/'], (c) =>
  handleHook(c, format, credentials(c.req.raw, 'Bearer')),
);

for (const method of ['post', 'put'] as const) {
  documentHook(grafana, {
    method,
    path: '/hooks/grafana/{key}',
    summary: 'Grafana alerting webhook contact point',
    description:
      `Same grouping as Alertmanager. When the integration has a signing secret, ${GRAFANA_SIGNATURE_HEADERS[0]} must carry the HMAC-SHA256 of ` +
      `"<timestamp>:<body>" and ${GRAFANA_TIMESTAMP_HEADER} the timestamp (Unix seconds, within five minutes): set both in the contact point's HMAC settings. ` +
      'A refused signature is listed with the integration’s recent payloads. Overload answers 503 with Retry-After.',
    keyInPath: true,
    body: { schema: grafanaSchema },
  });
}
