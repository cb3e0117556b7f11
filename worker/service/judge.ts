/**
 * The rules step of a service's router: mapping (done in the Worker) → rules → dedup. Each alert is judged
 * once, against the compiled rules of one version; the verdict says whether it goes on to dedup here, is
 * suppressed, dropped, or routed to another service's router.
 */
import type { AlertEvent, IntegrationType } from '../../schema/alert';
import type { RuleSet } from '../../schema/rule-schemas';
import { getServiceRules } from '../directory/service-rules';
import { applyRules, compileRules } from '../rules/evaluate';
import type { RuleStore } from './rule-store';

/** A routed alert may pass through at most this many services after the one that received it. */
export const MAX_HOPS = 3;

export type RuleRef = { id: string; name: string };

/** What the rules did to one alert, as the webhook's 202 and the payload record tell it. */
export interface AlertRuleOutcome {
  alertKey: string;
  /** After any set_dedup_key. */
  dedupKey: string;
  /** passed: went on to dedup (see `incidents`); routed: see `serviceId` and `then`. */
  outcome: 'passed' | 'suppressed' | 'dropped' | 'routed';
  /** The service that took the alert in the end. */
  serviceId: string;
  /** Routed: what the last service did with it. */
  then?: 'passed' | 'suppressed' | 'dropped';
  /** Every rule that matched, on every service it passed through. */
  rules: RuleRef[];
  notes?: string[];
}

export type Verdict = 'page' | 'suppress' | 'drop' | { route: string };

export interface Judgement {
  alert: AlertEvent;
  /** The rules of this service that matched. */
  matched: RuleRef[];
  verdict: Verdict;
  notes: string[];
}

type Compiled = ReturnType<typeof compileRules>;

/** The compiled rules of one version, kept in memory until a newer version arrives. */
export class RuleCache {
  private compiled: { version: number; rules: Compiled; count: number } | null = null;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly store: RuleStore,
    private readonly db: D1Database,
  ) {}

  /** Keep a version the API pushed; an older one arriving late is ignored. Returns the version kept. */
  set(version: number, ruleSet: RuleSet): number {
    this.store.save(version, ruleSet);
    const kept = this.store.current()?.version ?? version;
    if (this.compiled?.version !== kept) this.compiled = null;
    return kept;
  }

  /**
   * The rules to apply now, compiled once per version and kept in memory (only `set` changes them). The first
   * call after a deploy reads this object's SQLite, or D1 once when the object has never had rules.
   */
  async get(serviceId: string): Promise<{ version: number; rules: Compiled; count: number }> {
    if (this.compiled) return this.compiled;
    if (!this.store.current()) {
      this.loading ??= getServiceRules(this.db, serviceId)
        .then((stored) => this.store.save(stored.version, stored.ruleSet))
        .finally(() => (this.loading = null));
      await this.loading;
    }
    const current = this.store.current() ?? { version: 0, ruleSet: { rules: [] } };
    this.compiled = {
      version: current.version,
      rules: compileRules(current.ruleSet.rules),
      count: current.ruleSet.rules.filter((r) => r.enabled).length,
    };
    return this.compiled;
  }
}

/** Judge each alert once with this service's rules; a route past MAX_HOPS or back to this service pages here. */
export async function judge(
  rules: Compiled,
  events: readonly AlertEvent[],
  context: { serviceId: string; integrationType: IntegrationType; hops: number },
): Promise<Judgement[]> {
  const out: Judgement[] = [];
  for (const event of events) {
    const result = await applyRules(rules, event, { integrationType: context.integrationType });
    const matched = result.matched.map(({ id, name }) => ({ id, name }));
    const notes = [...result.notes];
    let verdict: Verdict = result.verdict;
    if (typeof verdict === 'object') {
      if (verdict.route === context.serviceId) {
        notes.push(`not routed: the rule routes back to this service`);
        verdict = 'page';
      } else if (context.hops + 1 > MAX_HOPS) {
        notes.push(`not routed to ${verdict.route}: the alert already passed ${MAX_HOPS} services`);
        verdict = 'page';
      }
    }
    const before = event.rules ?? [];
    const changed: AlertEvent =
      result.autoResolveMinutes === undefined && result.runbookId === undefined
        ? result.alert
        : {
            ...result.alert,
            ...(result.autoResolveMinutes !== undefined
              ? { autoResolveMinutes: result.autoResolveMinutes }
              : {}),
            ...(result.runbookId !== undefined ? { runbookId: result.runbookId } : {}),
          };
    const alert: AlertEvent =
      matched.length || notes.length
        ? withNotes({ ...changed, rules: [...before, ...matched] }, notes)
        : changed;
    out.push({ alert, matched, verdict, notes });
  }
  return out;
}

/** Rule notes are kept on the alert, as mapping notes are (firebell_mapping_notes). */
function withNotes(alert: AlertEvent, notes: readonly string[]): AlertEvent {
  if (!notes.length) return alert;
  const kept = alert.details?.firebell_rule_notes;
  const all = [...(Array.isArray(kept) ? (kept as string[]) : []), ...notes];
  return { ...alert, details: { ...alert.details, firebell_rule_notes: [...new Set(all)] } };
}
