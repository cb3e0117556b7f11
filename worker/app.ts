import { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import type { AppEnv } from './app-env';
import { ProblemError, problemResponse } from './errors';
import { health } from './routes/health';

/** The Hono app: mounts every resource and owns the single error exit. */
export function createApp() {
  const app = new OpenAPIHono<AppEnv>();

  app.route('/api/health', health);

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Firebell API', version: '0.1.0', description: 'Incident paging: webhooks in, pages out, live triage.' },
  });
  app.get('/api/docs', swaggerUI({ url: '/api/openapi.json' }));

  app.notFound((c) =>
    problemResponse(new ProblemError(404, 'not-found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}`).toProblem()),
  );

  app.onError((err, c) => {
    if (err instanceof ProblemError) return problemResponse(err.toProblem(), err.headers);
    // Never leak a stack trace to a client; log it for the operator.
    console.error('unhandled error', c.req.method, c.req.path, err);
    return problemResponse(new ProblemError(500, 'internal', 'Something went wrong on our side; the request may be retried.').toProblem());
  });

  return app;
}
