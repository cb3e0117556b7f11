import { createApp } from './app';
import { now } from './clock';
import type { Env } from './env';
import { heldPage } from './status/cache';

export { IncidentFeed } from './feed/object';
export { IncidentObject } from './incident/object';
export { ServiceRouter } from './service/router';
export { WebhookQueue } from './webhooks/queue';
export { SlackQueue } from './chat/slack-queue';
export { TeamDrills } from './drills/object';
export { StatusPushQueue } from './status/push-queue';

const app = createApp();

/**
 * A reader of the public status page, held in this isolate's memory, is answered before the app's router and
 * middleware run (they would cost more than the answer itself under a spike); everything else goes to the app.
 */
export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    return heldPage(request, now()) ?? app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
