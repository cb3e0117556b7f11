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

export class Scheduler {
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
    sql(
      this.storage.sql,
      'INSERT INTO schedule (id, kind, due_at, data, version) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, due_at = excluded.due_at, data = excluded.data, version = excluded.version',
      id,
      kind,
      dueAt,
      JSON.stringify(data),
      this.nextVersion(),
    );
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
    return (this.version ??=
      sql<{ v: number }>(this.storage.sql, 'SELECT coalesce(max(version), 0) AS v FROM schedule')[0]
        ?.v ?? 0);
  }

  /** Cancel these tasks, then re-arm once (or when the run going on ends, as schedule does). */
  async cancel(...ids: string[]): Promise<void> {
    for (const id of ids) sql(this.storage.sql, 'DELETE FROM schedule WHERE id = ?', id);
    if (!this.running) await this.arm();
  }

  pending(): Task[] {
    return sql<{ id: string; kind: string; due_at: number; data: string }>(
      this.storage.sql,
      'SELECT id, kind, due_at, data FROM schedule ORDER BY due_at, id',
    ).map((r) => ({
      id: r.id,
      kind: r.kind,
      dueAt: r.due_at,
      data: JSON.parse(r.data) as Record<string, unknown>,
    }));
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
   * for this run (IncidentObject.alarm awaits it), which is all a claim is for while the object lives, and a
   * write here would put a commit between the opening and the page. After a crash the row is still due as it
   * was, so the backstop runs it at once instead of a lease later. Returns whether this call ran it.
   */
  async runNow(
    id: string,
    now: number,
    run: (task: Task) => Promise<void>,
    retryDelayMs = 5_000,
  ): Promise<boolean> {
    const task = this.pending().find((t) => t.id === id && t.dueAt <= now);
    const version = task
      ? sql<{ version: number }>(
          this.storage.sql,
          'SELECT version FROM schedule WHERE id = ? AND due_at = ?',
          task.id,
          task.dueAt,
        )[0]?.version
      : undefined;
    const ran =
      task && version !== undefined
        ? await this.runClaimed(task, version, now, run, retryDelayMs)
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
    } catch (err) {
      console.error('scheduled task failed; will retry', task.kind, task.id, err);
      sql(
        this.storage.sql,
        'UPDATE schedule SET due_at = ? WHERE id = ? AND version = ?',
        now + retryDelayMs,
        task.id,
        version,
      );
    } finally {
      this.running -= 1;
    }
    return true;
  }

  /** Point the alarm at the earliest pending task, or clear it. */
  async arm(): Promise<void> {
    // The earliest row that is not a backstop is among the first backstops.size + 1.
    const first = sql<{ id: string; due_at: number }>(
      this.storage.sql,
      'SELECT id, due_at FROM schedule ORDER BY due_at LIMIT ?',
      this.backstops.size + 1,
    );
    const next = first.length
      ? Math.min(...first.map((r) => Math.max(r.due_at, this.backstops.get(r.id) ?? r.due_at)))
      : null;
    if (next === null) await this.storage.deleteAlarm();
    // Whole milliseconds, rounded up: the runtime keeps the alarm to the millisecond, and one fired before a
    // fractional due time finds nothing due, re-arms the very time it is running for, and is dropped with it.
    else await this.storage.setAlarm(Math.ceil(next));
  }
}
