/**
 * A service's runbooks in Admin: the list, one form to create or edit (steps one a line, `text | link`), delete,
 * and which runbook every new incident gets by default. A refused save shows the API's field-named errors.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../lib/api';
import { errorText, useAction } from '../../lib/hooks';
import {
  blankRunbook,
  fromRunbookForm,
  toRunbookForm,
  type RunbookForm,
} from '../../lib/runbook-form';
import {
  createRunbook,
  deleteRunbook,
  listRunbooks,
  saveRunbook,
  setDefaultRunbook,
  type Runbook,
} from '../../lib/runbooks-api';
import type { Service } from '../../lib/types';
import { Notice } from '../notice';

/** A 400's field errors as lines ("steps.0.link: …"), or the problem's detail. */
function problemLines(err: unknown): string[] {
  if (err instanceof ApiError && Array.isArray(err.extensions.errors))
    return (err.extensions.errors as { path?: string; message?: string }[]).map(
      (e) => `${e.path ?? ''}: ${e.message ?? ''}`,
    );
  return [errorText(err)];
}

export function ServiceRunbooks({ service }: { service: Service }) {
  const [open, setOpen] = useState(false);
  const [list, setList] = useState<{ runbooks: Runbook[]; defaultRunbookId: string | null } | null>(
    null,
  );
  const [editing, setEditing] = useState<string | null>(null);
  const [form, setForm] = useState<RunbookForm>(blankRunbook);
  const [problems, setProblems] = useState<string[]>([]);
  const { pending, outcome, run } = useAction();
  const id = `runbooks-${service.id}`;

  const load = () => listRunbooks(service.id).then(setList, () => setList(null));
  useEffect(() => {
    if (open && !list) void load();
  }, [open]);

  const edit = (r: Runbook | null) => {
    setEditing(r?.id ?? null);
    setForm(r ? toRunbookForm(r) : blankRunbook());
    setProblems([]);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setProblems([]);
    const body = fromRunbookForm(form);
    await run('Saving…', async () => {
      try {
        if (editing) await saveRunbook(service.id, editing, body);
        else await createRunbook(service.id, body);
      } catch (err) {
        setProblems(problemLines(err));
        throw err;
      }
      await load();
      edit(null);
      return `Runbook “${body.name}” saved.`;
    });
  };

  const set = (key: keyof RunbookForm) => (e: Event) =>
    setForm((f) => ({ ...f, [key]: (e.currentTarget as HTMLInputElement).value }));

  return (
    <details class="rules" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary class="button">Runbooks{list ? ` (${list.runbooks.length})` : ''}</summary>
      {open && list && (
        <div class="stack">
          <div class="field">
            <label for={`${id}-default`}>Default runbook for new incidents</label>
            <select
              id={`${id}-default`}
              value={list.defaultRunbookId ?? ''}
              onChange={(e) => {
                const value = e.currentTarget.value || null;
                void run('Saving…', async () => {
                  await setDefaultRunbook(service.id, value);
                  await load();
                  return value ? 'Default runbook set.' : 'No default runbook.';
                });
              }}
            >
              <option value="">None</option>
              {list.runbooks.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </div>
          <ul class="card-list">
            {list.runbooks.map((r) => (
              <li key={r.id} class="card">
                <strong>{r.name}</strong> · {r.steps.length} steps{' '}
                <button type="button" class="button button-small" onClick={() => edit(r)}>
                  Edit
                </button>{' '}
                <button
                  type="button"
                  class="button button-small"
                  onClick={() =>
                    void run('Deleting…', async () => {
                      await deleteRunbook(service.id, r.id);
                      await load();
                      if (editing === r.id) edit(null);
                      return `Runbook “${r.name}” deleted.`;
                    })
                  }
                >
                  Delete
                </button>
              </li>
            ))}
          </ul>
          <form class="stack" onSubmit={save} aria-label={editing ? 'Edit runbook' : 'New runbook'}>
            <div class="field">
              <label for={`${id}-name`}>Runbook name</label>
              <input id={`${id}-name`} value={form.name} onInput={set('name')} />
            </div>
            <div class="field">
              <label for={`${id}-body`}>
                Notes (Markdown; links http/https, may use {'{{ labels.host }}'})
              </label>
              <textarea id={`${id}-body`} rows={4} value={form.body} onInput={set('body')} />
            </div>
            <div class="field">
              <label for={`${id}-steps`}>Steps, one a line (text | optional link)</label>
              <textarea
                id={`${id}-steps`}
                class="code-input"
                rows={5}
                value={form.steps}
                aria-invalid={problems.length > 0}
                onInput={set('steps')}
              />
            </div>
            {problems.length > 0 && (
              <ul class="notice notice-error" role="alert">
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            )}
            <div class="row">
              <button type="submit" class="button" disabled={pending !== null}>
                {editing ? 'Save runbook' : 'Add runbook'}
              </button>
              {editing && (
                <button type="button" class="button" onClick={() => edit(null)}>
                  Cancel
                </button>
              )}
            </div>
            <Notice outcome={outcome} pending={pending} />
          </form>
        </div>
      )}
    </details>
  );
}
