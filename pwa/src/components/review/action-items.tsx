import type { DraftItem } from '../../lib/review-draft';
import type { User } from '../../lib/types';

interface Props {
  items: DraftItem[];
  users: User[];
  disabled: boolean;
  onChange: (items: DraftItem[]) => void;
}

let added = 0;

/** The follow-ups: title, owner, due date, done. A new row with no title is simply not saved. */
export function ActionItemsEditor({ items, users, disabled, onChange }: Props) {
  const update = (key: string, change: Partial<DraftItem>) =>
    onChange(items.map((i) => (i.key === key ? { ...i, ...change } : i)));
  return (
    <fieldset class="fieldset">
      <legend>Action items</legend>
      {items.length === 0 && <p class="muted">No action items yet.</p>}
      <ul class="action-items">
        {items.map((item, n) => (
          <li key={item.key} class="action-item">
            <label class="field">
              <span>Action item {n + 1}</span>
              <input
                value={item.title}
                maxLength={300}
                disabled={disabled}
                onInput={(e) => update(item.key, { title: e.currentTarget.value })}
              />
            </label>
            <div class="filters">
              <label class="field">
                <span>Owner</span>
                <select
                  value={item.ownerId ?? ''}
                  disabled={disabled}
                  onChange={(e) => update(item.key, { ownerId: e.currentTarget.value || null })}
                >
                  <option value="">Nobody yet</option>
                  {users.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name}
                    </option>
                  ))}
                </select>
              </label>
              <label class="field">
                <span>Due</span>
                <input
                  type="date"
                  value={item.dueDate ?? ''}
                  disabled={disabled}
                  onInput={(e) => update(item.key, { dueDate: e.currentTarget.value || null })}
                />
              </label>
            </div>
            <div class="row-buttons">
              <label class="check">
                <input
                  type="checkbox"
                  checked={item.done}
                  disabled={disabled}
                  onChange={(e) => update(item.key, { done: e.currentTarget.checked })}
                />
                Done
              </label>
              <button
                type="button"
                class="button button-danger"
                disabled={disabled}
                aria-label={`Remove action item ${n + 1}`}
                onClick={() => onChange(items.filter((i) => i.key !== item.key))}
              >
                Remove
              </button>
            </div>
          </li>
        ))}
      </ul>
      <button
        type="button"
        class="button"
        disabled={disabled}
        onClick={() =>
          onChange([
            ...items,
            { key: `new-${++added}`, title: '', ownerId: null, dueDate: null, done: false },
          ])
        }
      >
        Add action item
      </button>
    </fieldset>
  );
}
