/**
 * Commands taken while offline: kept on this device with their Idempotency-Key and replayed, in order,
 * when the network is back. The key is fixed when the user taps, so however often a replay is attempted
 * (a flaky network, two open tabs) the server acts on it once.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, isNetworkError, post } from './api';
import { readStored, writeStored } from './stored';
import type { Incident } from './types';

/** One queued write: a POST to `path` with `body`, sent with `key` as its Idempotency-Key. */
export interface QueuedCommand {
  key: string;
  incidentId: string;
  path: string;
  body: unknown;
  /** What the user asked for, as the page shows it: "Acknowledge". */
  label: string;
  /** What to say once it has landed: "Acknowledged. Escalation stopped." */
  done: string;
  queuedAt: number;
}

/** A queued command reached the server: it either took effect or was refused. */
export type Settled =
  | { command: QueuedCommand; ok: true; incident: Incident }
  | { command: QueuedCommand; ok: false; error: ApiError };

const STORE = 'firebell.outbox';
/** Besides the browser's `online` event (which a flaky network never sends), try again this often. */
const RETRY_MS = 15_000;

const changeListeners = new Set<() => void>();
const settleListeners = new Set<(s: Settled) => void>();
let flushing: Promise<void> | null = null;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

/** Everything waiting, oldest first; only one incident's when `incidentId` is given. */
export function queued(incidentId?: string): QueuedCommand[] {
  const all = readStored<QueuedCommand[]>(STORE) ?? [];
  return incidentId ? all.filter((c) => c.incidentId === incidentId) : all;
}

function save(all: QueuedCommand[]): void {
  writeStored(STORE, all.length ? all : null);
  for (const fn of changeListeners) fn();
}

/** Keep `command` for replay and schedule an attempt. */
export function enqueue(command: Omit<QueuedCommand, 'queuedAt'>): void {
  const all = queued();
  if (!all.some((c) => c.key === command.key)) save([...all, { ...command, queuedAt: Date.now() }]);
  scheduleRetry();
}

/** Forget everything queued (on sign-out: the next person on this phone must not send the last one's commands). */
export function clearOutbox(): void {
  clearTimeout(retryTimer);
  save([]);
}

/** Send everything queued, in order. Stops at the first that still cannot reach the server. */
export function flush(): Promise<void> {
  flushing ??= (async () => {
    try {
      for (const command of queued()) {
        let settled: Settled;
        try {
          const { incident } = await post<{ incident: Incident }>(command.path, command.body, {
            idempotencyKey: command.key,
          });
          settled = { command, ok: true, incident };
        } catch (err) {
          if (!(err instanceof ApiError) || isNetworkError(err) || err.status >= 500) {
            scheduleRetry();
            return;
          }
          settled = { command, ok: false, error: err };
        }
        save(queued().filter((c) => c.key !== command.key));
        for (const fn of settleListeners) fn(settled);
      }
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

function scheduleRetry(): void {
  clearTimeout(retryTimer);
  if (queued().length) retryTimer = setTimeout(() => void flush(), RETRY_MS);
}

/** Replay on start-up, whenever the browser says it is online again, and when the app comes back to the front. */
export function startOutbox(): () => void {
  const kick = () => {
    if (navigator.onLine !== false && document.visibilityState !== 'hidden' && queued().length)
      void flush();
  };
  window.addEventListener('online', kick);
  document.addEventListener('visibilitychange', kick);
  // Another tab queued or sent something.
  const onStorage = (ev: StorageEvent) => ev.key === STORE && changeListeners.forEach((fn) => fn());
  window.addEventListener('storage', onStorage);
  kick();
  return () => {
    clearTimeout(retryTimer);
    window.removeEventListener('online', kick);
    document.removeEventListener('visibilitychange', kick);
    window.removeEventListener('storage', onStorage);
  };
}

/** This incident's queued commands, kept current; `onSettled` hears each one land or be refused. */
export function useOutbox(incidentId: string, onSettled: (s: Settled) => void): QueuedCommand[] {
  const [list, setList] = useState(() => queued(incidentId));
  useEffect(() => {
    const changed = () => setList(queued(incidentId));
    const settled = (s: Settled) => s.command.incidentId === incidentId && onSettled(s);
    changeListeners.add(changed);
    settleListeners.add(settled);
    changed();
    return () => {
      changeListeners.delete(changed);
      settleListeners.delete(settled);
    };
  }, [incidentId, onSettled]);
  return list;
}
