import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../lib/hooks';
import { getRules, type Rule } from '../../lib/rules-api';
import type { Service } from '../../lib/types';
import { RulesEditor } from './rules-editor';
import { SuppressedAlerts } from './suppressed-alerts';

/** A service's event rules and what they suppressed, loaded when first opened. */
export function ServiceRules({ service, services }: { service: Service; services: Service[] }) {
  const [open, setOpen] = useState(false);
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saves, setSaves] = useState(0);
  const [count, setCount] = useState<number | null>(null);

  useEffect(() => {
    if (!open || rules) return;
    const ctrl = new AbortController();
    getRules(service.id, { signal: ctrl.signal }).then(
      (r) => {
        setRules(r.rules);
        setCount(r.rules.length);
      },
      (err: unknown) => !ctrl.signal.aborted && setError(errorText(err)),
    );
    return () => ctrl.abort();
  }, [open, rules, service.id]);

  return (
    <details class="rules" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary class="button">Event rules{count !== null ? ` (${count})` : ''}</summary>
      {open && (
        <div class="stack">
          {error && (
            <p class="notice notice-error" role="alert">
              Rules could not be loaded: {error}
            </p>
          )}
          {rules && (
            <RulesEditor
              service={service}
              services={services}
              rules={rules}
              onSaved={(saved) => {
                setCount(saved.length);
                setSaves((n) => n + 1);
              }}
            />
          )}
          <SuppressedAlerts serviceId={service.id} reload={saves} />
        </div>
      )}
    </details>
  );
}
