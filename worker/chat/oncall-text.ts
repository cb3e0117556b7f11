/** `/firebell oncall [service]`: who each service's policy pages first right now, as Slack text. */
import { loadSnapshot } from '../directory/on-call';
import { listPolicies, policyTargets, servicesWithPolicy } from '../directory/policies';
import { resolveIn } from '../oncall/targets';
import { escapeMrkdwn } from './slack-message';

const MAX_LINES = 40;

export async function onCallText(
  db: D1Database,
  at: number,
  filter: string | null,
): Promise<string> {
  const [services, policies] = await Promise.all([servicesWithPolicy(db), listPolicies(db)]);
  const byId = new Map(policies.map((p) => [p.id, p]));
  const wanted = filter?.toLowerCase();
  const shown = services.filter(
    (s) => !wanted || s.name.toLowerCase() === wanted || s.id === filter,
  );
  if (!shown.length)
    return filter
      ? `No service named “${escapeMrkdwn(filter)}” has an escalation policy.`
      : 'No service has an escalation policy yet.';
  const paged = shown.flatMap((s) => {
    const policy = byId.get(s.policyId);
    return policy ? [{ service: s, policy }] : [];
  });
  const snapshot = await loadSnapshot(
    db,
    paged.flatMap((p) => policyTargets(p.policy)),
    at,
    at + 1,
  );
  const lines = paged.slice(0, MAX_LINES).map(({ service, policy }) => {
    const first = policy.levels[0];
    const now = first ? resolveIn(snapshot, first.targets) : null;
    const names = now?.userIds.map((u) => now.names[u] ?? u) ?? [];
    return `• *${escapeMrkdwn(service.name)}*: ${names.length ? escapeMrkdwn(names.join(', ')) : 'nobody (no one on call at level 1)'}`;
  });
  return [`*On call now*`, ...lines].join('\n');
}
