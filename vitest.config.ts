import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { createServer } from 'node:net';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
// @ts-expect-error plain ESM script without types
import { vapidKeys } from './scripts/setup.mjs';
// @ts-expect-error plain ESM script without types
import { workerBundle } from './test/setup/worker-bundle.mjs';

// Worker tests run inside workerd with the real Durable Objects and D1 from wrangler.toml.
export default defineConfig(async () => {
  const migrations = await readD1Migrations('schema/migrations');
  // A fresh VAPID pair per run: tests never depend on a developer's .dev.vars, and no key lives in the repo.
  const vapid = vapidKeys() as { publicKey: string; privateKey: string };
  // The SMTP server (test/setup/smtp-server.mjs) listens on a port chosen here, as the Worker's SMTP_PORT.
  const smtpPort = process.env.FIREBELL_TEST_SMTP_PORT ?? String(await freePort());
  process.env.FIREBELL_TEST_SMTP_PORT = smtpPort;
  // The Twilio stand-in (test/setup/twilio-stand-in.mjs) likewise, as TWILIO_API_BASE, with a test account.
  const twilioPort = process.env.FIREBELL_TEST_TWILIO_PORT ?? String(await freePort());
  process.env.FIREBELL_TEST_TWILIO_PORT = twilioPort;
  process.env.FIREBELL_TEST_TWILIO_SID = 'AC00000000000000000000000000000test';
  process.env.FIREBELL_TEST_TWILIO_TOKEN = 'test-twilio-auth-token';
  // The Worker as one bundle (test/setup/worker-bundle.mjs says why).
  const bundle = (await workerBundle()) as { main?: string; plugin: Plugin };
  return {
    plugins: [
      bundle.plugin,
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        main: bundle.main,
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ADMIN_TOKEN: 'test-admin-token',
            SESSION_SECRET: 'test-session-secret-0123456789abcdef',
            PUBLIC_URL: 'http://127.0.0.1:8787',
            VAPID_PUBLIC_KEY: vapid.publicKey,
            VAPID_PRIVATE_KEY: vapid.privateKey,
            VAPID_SUBJECT: 'mailto:tests@firebell.invalid',
            SMTP_HOST: '127.0.0.1',
            SMTP_PORT: smtpPort,
            SMTP_STARTTLS: 'false',
            SMTP_USER: 'firebell',
            SMTP_PASSWORD: 'test-smtp-password',
            MAIL_FROM: 'Firebell <pager@firebell.test>',
            TWILIO_ACCOUNT_SID: process.env.FIREBELL_TEST_TWILIO_SID,
            TWILIO_AUTH_TOKEN: process.env.FIREBELL_TEST_TWILIO_TOKEN,
            TWILIO_FROM: '+15005550006',
            TWILIO_API_BASE: `http://127.0.0.1:${twilioPort}`,
          },
          assets: undefined,
          // Hermetic: a fetch the Worker makes on its own (a page to a real push service's host) fails as an
          // unreachable network would, instead of leaving this machine. Loopback stays open for stand-ins.
          outboundService: { network: { allow: ['local'], tlsOptions: { trustBrowserCas: true } } },
        },
      }),
    ],
    test: {
      include: ['test/**/*.test.ts'],
      exclude: ['test/e2e/**', 'test/pwa/**', 'test/unit/**', 'node_modules/**'],
      setupFiles: ['test/setup/apply-migrations.ts'],
      // A real HTTP receiver on 127.0.0.1 for outgoing webhooks (test/webhooks).
      // A real SMTP server on 127.0.0.1 for email pages (test/notify), and a stand-in of the Slack Web API (test/chat).
      // A stand-in of Twilio's REST API that checks its documented request format and signs callbacks (test/notify).
      globalSetup: [
        'test/setup/webhook-receiver.mjs',
        'test/setup/smtp-server.mjs',
        'test/setup/slack-stand-in.mjs',
        'test/setup/twilio-stand-in.mjs',
      ],
      testTimeout: 20_000,
      // Two files at a time even on two cores (Vitest's default there is one): a file spends much of its time
      // starting its own workerd and waiting on it, so two overlap well (one run under load: 520 s → 313 s, same CPU).
      maxWorkers: 2,
    },
  };
});

/** A port nothing listens on now, for a server started later in this run. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
