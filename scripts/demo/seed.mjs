/**
 * The local trial's directory, written through Firebell's public API as an operator would: a responder
 * (Dana) who joins through an invite and registers her "phone" (a subscription at the push-service stand-in),
 * a weekly schedule with her on call, an escalation policy paging that schedule, a service using the
 * policy, and a generic webhook integration to send alerts to.
 */

/** JSON call to Firebell; throws with the problem's detail when the answer is not the expected status. */
async function call(origin, path, { body, headers = {}, expect = 200 } = {}) {
  const res = await fetch(`${origin}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== expect)
    throw new Error(`${path} answered ${res.status} (expected ${expect}): ${text}`);
  return { res, body: text ? JSON.parse(text) : null };
}

/** A local date-time a day ago in UTC, minute precision: the rotation has started, so someone is on call now. */
function aDayAgo() {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 16);
}

/**
 * Seed the trial. `subscription` is the stand-in subscription for Dana's phone.
 * Returns who is on call, the webhook URL to trigger and a one-use admin sign-in link.
 */
export async function seedTrial({ origin, adminToken, subscription }) {
  const admin = { authorization: `Bearer ${adminToken}` };

  const invite = await call(origin, '/api/auth/invites', {
    body: { role: 'responder' },
    headers: admin,
    expect: 201,
  });
  const joined = await call(origin, '/api/auth/accept', {
    body: { token: invite.body.token, name: 'Dana' },
  });
  const session = joined.res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const dana = joined.body.user;
  // Registered with Dana's own session, as the PWA's Settings page does (cookie writes must carry Firebell's Origin).
  await call(origin, '/api/push/subscriptions', {
    body: { endpoint: subscription.endpoint, keys: subscription.keys, label: 'demo phone' },
    headers: { cookie: session, origin },
    expect: 201,
  });

  const schedule = await call(origin, '/api/schedules', {
    body: {
      name: 'Checkout primary',
      timeZone: 'UTC',
      layers: [
        { name: 'primary', users: [dana.id], rotation: { type: 'weekly' }, start: aDayAgo() },
      ],
    },
    headers: admin,
    expect: 201,
  });
  const policy = await call(origin, '/api/policies', {
    body: {
      name: 'Checkout on-call',
      levels: [{ delayMinutes: 5, targets: [{ type: 'schedule', id: schedule.body.schedule.id }] }],
    },
    headers: admin,
    expect: 201,
  });
  const service = await call(origin, '/api/services', {
    body: { name: 'checkout', policyId: policy.body.policy.id },
    headers: admin,
    expect: 201,
  });
  const integration = await call(origin, `/api/services/${service.body.service.id}/integrations`, {
    body: { type: 'generic' },
    headers: admin,
    expect: 201,
  });
  const signIn = await call(origin, '/api/auth/invites', {
    body: { userId: 'usr_admin' },
    headers: admin,
    expect: 201,
  });

  return { responder: dana, webhookUrl: integration.body.url, signInLink: signIn.body.url };
}

/** A monitor firing: the generic webhook, as `curl` in the README sends it. Resolves once Firebell accepted it (202). */
export async function triggerAlert(webhookUrl, { summary, dedupKey }) {
  await call('', webhookUrl, {
    body: {
      summary,
      severity: 'critical',
      dedup_key: dedupKey,
      details: { source: 'npm run demo' },
    },
    expect: 202,
  });
}
