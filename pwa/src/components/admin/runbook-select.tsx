import { useEffect, useState } from 'preact/hooks';
import { listRunbooks, type Runbook } from '../../lib/runbooks-api';

/** The attach_runbook action's choice: one of the service's runbooks, loaded when the action is shown. */
export function RunbookSelect(props: {
  id: string;
  serviceId: string;
  value: string;
  invalid: boolean;
  onChange: (runbookId: string) => void;
}) {
  const [runbooks, setRunbooks] = useState<Runbook[] | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    listRunbooks(props.serviceId, { signal: ctrl.signal }).then(
      (r) => setRunbooks(r.runbooks),
      () => !ctrl.signal.aborted && setRunbooks([]),
    );
    return () => ctrl.abort();
  }, [props.serviceId]);
  return (
    <div class="field">
      <label for={props.id}>Runbook</label>
      <select
        id={props.id}
        value={props.value}
        aria-invalid={props.invalid}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        <option value="">{runbooks?.length === 0 ? 'No runbooks yet' : 'Choose a runbook'}</option>
        {runbooks?.map((r) => (
          <option key={r.id} value={r.id}>
            {r.name}
          </option>
        ))}
        {props.value && runbooks && !runbooks.some((r) => r.id === props.value) && (
          <option value={props.value}>{props.value}</option>
        )}
      </select>
    </div>
  );
}
