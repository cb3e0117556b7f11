#!/usr/bin/env node
// `npm run demo`: the local trial. Firebell started as `npm start` starts it, on its own throw-away state and
// secrets, with a seeded responder, schedule, policy and service; a push-service stand-in on 127.0.0.1 that
// decrypts each page; and a "phone" page on 127.0.0.1 to watch the page arrive and acknowledge it.
// No phone, account or internet needed. Ctrl+C stops everything and deletes the trial's state.
import { PushStandIn } from '../push-stand-in.mjs';
import { startFirebell } from '../firebell-instance.mjs';
import { startPhone } from './phone.mjs';
import { seedTrial, triggerAlert } from './seed.mjs';

const PHONE_PORT = Number(process.env.DEMO_PORT ?? 8789);
const ALERTS = [
  'Checkout error rate above 5%',
  'Payment API p99 latency above 2 s',
  'Disk 95% full on db-1',
  'Login success rate below 90%',
];

let firebell = null;
let standIn = null;
let phone = null;
let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  await phone?.close();
  await standIn?.close();
  await firebell?.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  console.log(
    'Firebell local trial: starting Firebell with its own state, a push-service stand-in and a demo phone…',
  );
  firebell = await startFirebell({ env: { ALLOW_INSECURE_PUSH: 'true' } });
  firebell.child.on('exit', (code) => {
    if (stopping) return;
    console.error(
      `Firebell stopped unexpectedly (exit ${code}). Its output:\n${firebell.output()}`,
    );
    void stop(1);
  });
  const { origin, adminToken, devVars } = firebell;

  standIn = await PushStandIn.start(PushStandIn.vapidKeyOf(devVars));
  const subscription = standIn.subscribe();
  const seeded = await seedTrial({ origin, adminToken, subscription });
  const alertTimes = [];
  let sent = 0;
  const trigger = async () => {
    const summary = ALERTS[sent % ALERTS.length];
    sent += 1;
    alertTimes.push(Date.now());
    await triggerAlert(seeded.webhookUrl, { summary, dedupKey: `demo-${sent}` });
    console.log(`Alert sent: "${summary}" (as a monitor would, to the checkout service's webhook)`);
  };
  const pages = () =>
    standIn.received.filter(
      (p) => p.subscriptionId === subscription.id && p.payload.kind === 'page',
    );
  standIn.on('push', (push) => {
    if (push.subscriptionId !== subscription.id || push.payload.kind !== 'page') return;
    const after =
      push.arrivedAt - (alertTimes.filter((t) => t <= push.arrivedAt).at(-1) ?? push.arrivedAt);
    console.log(
      `Page arrived at the push service ${after} ms after the alert: "#${push.payload.number} ${push.payload.title}" (${push.payload.body})`,
    );
  });
  phone = await startPhone({
    port: PHONE_PORT,
    firebell: { origin, adminToken, signInLink: seeded.signInLink },
    pages,
    alertTimes: () => alertTimes,
    trigger,
    onAck: (incident) =>
      console.log(
        `Acknowledged by ${incident.acknowledgedBy?.name ?? 'someone'} from the demo phone: incident #${incident.number} is ${incident.status}.`,
      ),
  });

  console.log(`
  Firebell       ${origin}   (admin sign-in link, one use: ${seeded.signInLink})
  Push service   ${standIn.origin}   (stand-in for FCM/autopush: checks VAPID, decrypts each page)
  Seeded         service "checkout" → policy "Checkout on-call" → schedule "Checkout primary": Dana is on call, her demo phone subscribed
`);
  console.log(
    `Demo phone: open ${phone.url} to watch the page arrive and acknowledge it. Ctrl+C stops the trial and deletes its state.`,
  );
  await trigger();
} catch (err) {
  console.error(
    `The local trial could not start: ${err instanceof Error ? err.message : String(err)}${firebell ? `\nFirebell's output:\n${firebell.output()}` : ''}`,
  );
  await stop(1);
}
