/**
 * The alarm as a scheduler over a table (partywhen style): due work is stored as rows,
 * alarm() runs every due row, then arms the alarm for the earliest pending one.
 * Rows are keyed by a caller-chosen id so re-scheduling the same work replaces it (idempotent).
 */
import { sql } from '../sql';

/** How long a claimed task is hidden from other runs before it is considered abandoned. */
const LEASE_MS = 60_000;

export interface Task {
  id: string;
  kind: string;
  dueAt: number;
  data: Record<string, unknown>;
}

/** A row as stored; `data` kept as its JSON text, so every caller gets its own parsed copy (taskOf). */
interface Row {
  id: string;
  kind: string;
  dueAt: number;
  data: string;
  version: number;
}

export class Scheduler {
  /**
   * The rows as stored, read once: this scheduler is their only writer, and pending() runs several times per
   * alert (a new incident read the table eight times). A transaction that throws undoes its writes, so its
   * owner drops these with forget().
   */
  private rows: Map<string, Row> | null = null;

  /**
   * Tasks running now (runDue, runNow). Each arms the alarm when it ends, so rows scheduled meanwhile are
   * only stored: one alarm write (an fsync) for all of them instead of one each.
   */
  private running = 0;
  /** Rows their caller runs itself at once (runNow): the alarm is their backstop and may wait until then. */
  private readonly backstops = new Map<string, number>();

  constructor(private readonly storage: DurableObjectStorage) {}

  /** Schedule (or move) the task with this id. */
  async schedule(
    id: string,
    kind: string,
    dueAt: number,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    this.put(id, kind, dueAt, data);
    if (!this.running) await this.arm();
  }

  /**
   * The row `id`, once scheduled, is run at once by runNow: its alarm is only the backstop (for a crash
   * before the run), so it is set for `until`, after the run has moved the row, not for an alarm that would
   * fire during the run only to wait for it.
   */
  backstop(id: string, until: number): void {
    this.backstops.set(id, until);
  }

  /** Store the task without arming the alarm: for use inside a storage transaction; arm() after it. */
  put(id: string, kind: string, dueAt: number, data: Record<string, unknown> = {}): void {
    // Every write takes a version no run has claimed, so a run that claimed an earlier one cannot delete this
    // row, even when the row it claimed was cancelled and this one is the same task scheduled afresh.
    const row: Row = { id, kind, dueAt, data: JSON.stringify(data), version: this.nextVersion() };
    sql(
      this.storage.sql,
      'INSERT INTO schedule (id, kind, due_at, data, version) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, due_at = excluded.due_at, data = excluded.data, version = excluded.version',
      row.id,
      row.kind,
      row.dueAt,
      row.data,
      row.version,
    );
    this.stored().set(id, row);
  }

  /** Drop what is held: the next call reads the table again (after an undone transaction, or a restore). */
  forget(): void {
    this.rows = null;
    this.version = null;
  }

  private stored(): Map<string, Row> {
    if (this.rows) return this.rows;
    const rows = sql<{ id: string; kind: string; due_at: number; data: string; version: number }>(
      this.storage.sql,
      'SELECT id, kind, due_at, data, version FROM schedule',
    );
    return (this.rows = new Map(
      rows.map((r) => [
        r.id,
        { id: r.id, kind: r.kind, dueAt: r.due_at, data: r.data, version: r.version },
      ]),
    ));
  }

  /**
   * Above every version stored or claimed in this object's life: claims live only in memory, so a restart
   * starts again from what is stored.
   */
  private version: number | null = null;

  private nextVersion(): number {
    return (this.version = this.highest() + 1);
  }

  private highest(): number {
    return (this.version ??= Math.max(0, ...[...this.stored().values()].map((r) => r.version)));
  }

  /** Cancel these tasks, then re-arm once (or when the run going on ends, as schedule does). */
  async cancel(...ids: string[]): Promise<void> {
    const rows = this.stored();
    const stored = ids.filter((id) => rows.has(id));
    // Nothing to drop (an acknowledgement of an incident with no timers): no write, and the alarm stays as it is.
    if (!stored.length) return;
    for (const id of stored) {
      sql(this.storage.sql, 'DELETE FROM schedule WHERE id = ?', id);
      rows.delete(id);
    }
    if (!this.running) await this.arm();
  }

  /** Every stored task, by due time then id. */
  pending(): Task[] {
    return [...this.stored().values()]
      .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map(taskOf);
  }

  /** The stored task with this id, if any. */
  task(id: string): Task | undefined {
    const row = this.stored().get(id);
    return row && taskOf(row);
  }

  /**
   * Run the tasks due at `now`, in due order. Each is first claimed with a lease (its due time moved
   * ahead), so a second alarm running concurrently skips it, and a crash mid-task re-runs it after the
   * lease: at least once, never twice at the same time. A task that throws is retried later.
   * Tasks of the `last` kinds run after every other due task, whatever their due times.
   */
  async runDue(
    now: number,
    run: (task: Task) => Promise<void>,
    retryDelayMs = 5_000,
    last: ReadonlySet<string> = new Set(),
  ): Promise<void> {
    const due = this.pending().filter((t) => t.dueAt <= now);
    if (last.size) due.sort((a, b) => Number(last.has(a.kind)) - Number(last.has(b.kind)));
    for (const task of due) await this.claimAndRun(task, now, run, retryDelayMs);
    await this.arm();
  }

  /**
   * Run the task with this id now if it is due: a caller that runs work at once (the first page, from create)
   * keeps the alarm as the backstop. The claim is held in memory, not written: the caller makes its alarm wait
   * for this run (IncidentObject.alarm awaits it), which is all a claim is for while the object lives. After a
   * crash the row is still due as it was, so the backstop runs it when it fires instead of a lease (a minute)
   * later. Returns whether this call ran it.
   */
  async runNow(
    id: string,
    now: number,
    run: (task: Task) => Promise<void>,
    retryDelayMs = 5_000,
  ): Promise<boolean> {
    const row = this.stored().get(id);
    const ran =
      row && row.dueAt <= now
        ? await this.runClaimed(taskOf(row), row.version, now, run, retryDelayMs)
        : false;
    this.backstops.delete(id);
    if (ran) await this.arm();
    return ran;
  }

  private async claimAndRun(
    task: Task,
    now: number,
    run: (task: Task) => Promise<void>,
    retryDelayMs: number,
  ): Promise<boolean> {
    const claim = sql<{ version: number }>(
      this.storage.sql,
      'UPDATE schedule SET due_at = ? WHERE id = ? AND due_at = ? RETURNING version',
      now + LEASE_MS,
      task.id,
      task.dueAt,
    )[0];
    if (!claim) return false;
    const row = this.stored().get(task.id);
    if (row) row.dueAt = now + LEASE_MS;
    return this.runClaimed(task, claim.version, now, run, retryDelayMs);
  }

  /** Run a task claimed at `version`; then drop its row, or move it `retryDelayMs` on when the run threw. */
  private async runClaimed(
    task: Task,
    version: number,
    now: number,
    run: (task: Task) => Promise<void>,
    retryDelayMs: number,
  ): Promise<boolean> {
    this.version = Math.max(this.highest(), version);
    this.running += 1;
    try {
      await run(task);
      // A task that re-scheduled itself while running has a new version and keeps its row.
      sql(this.storage.sql, 'DELETE FROM schedule WHERE id = ? AND version = ?', task.id, version);
      if (this.stored().get(task.id)?.version === version) this.stored().delete(task.id);
    } catch (err) {
      console.error('scheduled task failed; will retry', task.kind, task.id, err);
      sql(
        this.storage.sql,
        'UPDATE schedule SET due_at = ? WHERE id = ? AND version = ?',
        now + retryDelayMs,
        task.id,
        version,
      );
      const row = this.stored().get(task.id);
      if (row?.version === version) row.dueAt = now + retryDelayMs;
    } finally {
      this.running -= 1;
    }
    return true;
  }

  /** Point the alarm at the earliest pending task, or clear it. */
  async arm(): Promise<void> {
    let next: number | null = null;
    for (const r of this.stored().values()) {
      const at = Math.max(r.dueAt, this.backstops.get(r.id) ?? r.dueAt);
      if (next === null || at < next) next = at;
    }
    if (next === null) await this.storage.deleteAlarm();
    // Whole milliseconds, rounded up: the runtime keeps the alarm to the millisecond, and one fired before a
    // fractional due time finds nothing due, re-arms the very time it is running for, and is dropped with it.
    else await this.storage.setAlarm(Math.ceil(next));
  }
}

/** A row as callers see it: `data` parsed afresh, so no caller can change what the scheduler holds. */
function taskOf(r: Row): Task {
  return {
    id: r.id,
    kind: r.kind,
    dueAt: r.dueAt,
    data: JSON.parse(r.data) as Record<string, unknown>,
  };
}
