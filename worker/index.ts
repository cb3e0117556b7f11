import { createApp } from './app';

export { IncidentFeed } from './feed/object';
export { IncidentObject } from './incident/object';
export { ServiceRouter } from './service/router';
export { WebhookQueue } from './webhooks/queue';
export { SlackQueue } from './chat/slack-queue';
export { TeamDrills } from './drills/object';
export { StatusPushQueue } from './status/push-queue';

export default createApp();
