/** The OpenAPI description of Firebell's Opsgenie Alert API (the handlers are plain routes in ingest-opsgenie.ts). */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import {
  opsgenieAcceptedSchema,
  opsgenieAlertAnswerSchema,
  opsgenieAlertPageSchema,
  opsgenieCreateSchema,
  opsgenieFailureSchema,
  opsgenieRequestStatusSchema,
} from '../../schema/opsgenie-schemas';
import type { AppEnv } from '../app-env';

const failure = (description: string) => ({
  description,
  content: { 'application/json': { schema: opsgenieFailureSchema } },
});
const accepted = {
  description: 'Request will be processed (its outcome: GET /v2/alerts/requests/{requestId})',
  content: { 'application/json': { schema: opsgenieAcceptedSchema } },
};
const common = {
  401: failure('Missing, unknown, rotated or revoked GenieKey'),
  429: failure('Rate limited; see Retry-After'),
};
const writeFailures = {
  ...common,
  400: failure('Body is not JSON'),
  413: failure('Body over 512 KB'),
  422: failure('Semantic errors, in Opsgenie’s words'),
};

const identified = {
  params: z.object({ identifier: z.string() }),
  query: z.object({
    identifierType: z.enum(['id', 'tiny', 'alias']).optional().openapi({
      description:
        'id (default) = incident id, tiny = incident number, alias = dedup key of an open incident',
    }),
  }),
};

/** Register every Opsgenie call Firebell answers. */
export function documentOpsgenie(app: OpenAPIHono<AppEnv>): void {
  const path = (
    method: 'get' | 'post',
    route: string,
    summary: string,
    description: string,
    extra: Record<string, unknown>,
  ) =>
    app.openAPIRegistry.registerPath({
      method,
      path: route,
      tags: ['ingestion'],
      summary,
      description,
      ...extra,
    } as Parameters<typeof app.openAPIRegistry.registerPath>[0]);

  path(
    'post',
    '/v2/alerts',
    'Opsgenie: create alert',
    'Authorization: GenieKey <key>. alias is the dedup key; priority P1–P5 maps to critical, error, warning, info, info.',
    {
      request: {
        body: { required: true, content: { 'application/json': { schema: opsgenieCreateSchema } } },
      },
      responses: { 202: accepted, ...writeFailures },
    },
  );
  path(
    'get',
    '/v2/alerts',
    'Opsgenie: list alerts (incidents of the key’s service)',
    'query supports status:open, status:closed, acknowledged:true|false joined by AND; sort createdAt, updatedAt, tinyId, count, message, status; offset; limit 1–100 (20).',
    {
      request: {
        query: z.object({
          query: z.string().optional(),
          offset: z.number().int().optional(),
          limit: z.number().int().optional(),
          sort: z.string().optional(),
          order: z.enum(['asc', 'desc']).optional(),
        }),
      },
      responses: {
        200: {
          description: 'A page of alerts',
          content: {
            'application/json': {
              schema: opsgenieAlertPageSchema,
            },
          },
        },
        422: failure('Unsupported query term, sort or paging value'),
        ...common,
      },
    },
  );
  path(
    'get',
    '/v2/alerts/{identifier}',
    'Opsgenie: get alert',
    'One incident of the key’s service as an Opsgenie alert.',
    {
      request: identified,
      responses: {
        200: {
          description: 'The alert',
          content: { 'application/json': { schema: opsgenieAlertAnswerSchema } },
        },
        404: failure('Alert does not exist'),
        422: failure('Bad identifierType'),
        ...common,
      },
    },
  );
  for (const [which, does] of [
    ['close', 'resolves the incident'],
    ['acknowledge', 'acknowledges the incident'],
  ] as const) {
    path(
      'post',
      `/v2/alerts/{identifier}/${which}`,
      `Opsgenie: ${which} alert`,
      `By id or tiny id: ${does}. By alias: the alert of that dedup key; an unknown alias is accepted and its request status says "Alert does not exist".`,
      {
        request: identified,
        responses: {
          202: accepted,
          404: failure('No incident has that tiny id'),
          ...writeFailures,
        },
      },
    );
  }
  path(
    'post',
    '/v2/alerts/{identifier}/notes',
    'Opsgenie: add note',
    'Body {note, user?, source?}: the note lands on the incident’s timeline as a note by the integration (8,000 characters at most).',
    {
      request: identified,
      responses: { 202: accepted, 404: failure('Alert does not exist'), ...writeFailures },
    },
  );
  path(
    'get',
    '/v2/alerts/requests/{requestId}',
    'Opsgenie: request status',
    'What an accepted write of this key did; the 500 newest per integration are kept.',
    {
      request: { params: z.object({ requestId: z.string() }) },
      responses: {
        200: {
          description: 'The outcome',
          content: {
            'application/json': {
              schema: opsgenieRequestStatusSchema,
            },
          },
        },
        404: failure('Request not found. It might not be processed, yet.'),
        ...common,
      },
    },
  );
}
