import type { D1Migration } from 'cloudflare:test';
import type { Env as FirebellEnv } from '../worker/env';

declare global {
  namespace Cloudflare {
    interface Env extends FirebellEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of the webhook receiver test/setup/webhook-receiver.mjs runs on 127.0.0.1. */
    webhookReceiver: string;
    /** Origin of the SMTP server's mailbox (what arrived), test/setup/smtp-server.mjs. */
    mailbox: string;
    /** Origin of the Slack Web API stand-in test/setup/slack-stand-in.mjs runs on 127.0.0.1. */
    slackApi: string;
    /** Origin of the Twilio REST API stand-in test/setup/twilio-stand-in.mjs (also the Worker's TWILIO_API_BASE). */
    twilioApi: string;
  }
}
