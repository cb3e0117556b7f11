/**
 * Severity words every monitor may send, mapped onto Firebell's four (zod-free, so adapters, schemas and the
 * mapping engine share one vocabulary).
 */
import type { Severity } from './alert';

// A Map, not an object literal: user input like "constructor" must not hit Object.prototype.
const SEVERITY_ALIASES = new Map<string, Severity>([
  ...['critical', 'crit', 'page', 'fatal', 'emergency', 'emerg', 'alert', 'disaster', 'p1'].map(
    (k) => [k, 'critical'] as const,
  ),
  ...['error', 'err', 'high', 'major', 'p2'].map((k) => [k, 'error'] as const),
  ...['warning', 'warn', 'medium', 'minor', 'average', 'p3'].map((k) => [k, 'warning'] as const),
  ...[
    'info',
    'information',
    'informational',
    'notice',
    'low',
    'none',
    'ok',
    'debug',
    'p4',
    'p5',
  ].map((k) => [k, 'info'] as const),
]);

/** Case-insensitive severity from any monitor's vocabulary; undefined when unrecognized so callers pick the fallback. */
export function mapSeverity(value: unknown): Severity | undefined {
  return typeof value === 'string' ? SEVERITY_ALIASES.get(value.trim().toLowerCase()) : undefined;
}

/** A generic alert sent without a severity: "error", the same default PagerDuty's agent and Alertmanager use. */
export const GENERIC_DEFAULT_SEVERITY: Severity = 'error';
