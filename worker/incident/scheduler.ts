/**
 * The alarm as a scheduler over a table (partywhen style): due work is stored as rows,
 * alarm() runs every due row, then arms the alarm for the earliest pending one.
 * Rows are keyed by a caller-chosen id so re-scheduling the same work replaces it (idempotent).
 */
import { sql } from '../sql';

export interface Task {
  id: string;
  kind: string;
  dueAt: number;
  data: Record<string, unknown>;
}

export class Scheduler {
  constructor(
    private readonly storage: DurableObjectStorage,
  ) {}

  /** Schedule (or move) the task with this id. */
  async schedule(id: string, kind: string, dueAt: number, data: Record<string, unknown> = {}): Promise<void> {
    sql(this.storage.sql, 'INSERT INTO schedule (id, kind, due_at, data) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, due_at = excluded.due_at, data = excluded.data', id, kind, dueAt, JSON.stringify(data));
    await this.arm();
  }

  async cancel(id: string): Promise<void> {
    sql(this.storage.sql, 'DELETE FROM schedule WHERE id = ?', id);
    await this.arm();
  }

  /** Cancel every task whose id starts with `prefix` (e.g. all escalation steps). */
  async cancelPrefix(prefix: string): Promise<void> {
    sql(this.storage.sql, "DELETE FROM schedule WHERE substr(id, 1, length(?)) = ?", prefix, prefix);
    await this.arm();
  }

  pending(): Task[] {
    return sql<{ id: string; kind: string; due_at: number; data: string }>(this.storage.sql, 'SELECT id, kind, due_at, data FROM schedule ORDER BY due_at, id').map((r) => ({
      id: r.id,
      kind: r.kind,
      dueAt: r.due_at,
      data: JSON.parse(r.data) as Record<string, unknown>,
    }));
  }

  /** Take the tasks due at `now` off the table, in due order. Runs them via `run`; a task that throws is retried later. */
  async runDue(now: number, run: (task: Task) => Promise<void>, retryDelayMs = 5_000): Promise<void> {
    const due = this.pending().filter((t) => t.dueAt <= now);
    for (const task of due) {
      try {
        // Delete first only if unchanged: a task re-scheduled while running keeps its new row.
        await run(task);
        sql(this.storage.sql, 'DELETE FROM schedule WHERE id = ? AND due_at = ?', task.id, task.dueAt);
      } catch (err) {
        console.error('scheduled task failed; will retry', task.kind, task.id, err);
        sql(this.storage.sql, 'UPDATE schedule SET due_at = ? WHERE id = ? AND due_at = ?', now + retryDelayMs, task.id, task.dueAt);
      }
    }
    await this.arm();
  }

  /** Point the alarm at the earliest pending task, or clear it. */
  async arm(): Promise<void> {
    const next = sql<{ due: number | null }>(this.storage.sql, 'SELECT min(due_at) AS due FROM schedule')[0]?.due ?? null;
    if (next === null) await this.storage.deleteAlarm();
    else await this.storage.setAlarm(next);
  }
}
