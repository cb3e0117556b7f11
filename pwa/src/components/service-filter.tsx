import type { Service } from '../lib/types';

/** "Service" filter shared by the home list and reports: all services, or one. */
export function ServiceFilter({
  services,
  value,
  onChange,
}: {
  services: Service[];
  value: string | null;
  onChange: (id: string | null) => void;
}) {
  return (
    <label class="field">
      <span>Service</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.currentTarget.value || null)}>
        <option value="">All services</option>
        {services.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </label>
  );
}
