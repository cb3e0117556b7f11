/** Formatting shared by pages; pure, with `now` passed in. */

/** Compact age: "now", "4m", "2h 5m", "3d 4h". */
export function formatAge(since: number, now: number): string {
  const mins = Math.floor(Math.max(0, now - since) / 60_000);
  if (mins < 1) return 'now';
  if (mins < 60) return `${mins}m`;
  const hours = Math.floor(mins / 60);
  if (hours < 24) return mins % 60 ? `${hours}h ${mins % 60}m` : `${hours}h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days}d ${hours % 24}h` : `${days}d`;
}

/** Wall-clock time of day, with the date only when it is not today. */
export function formatTime(at: number, now: number): string {
  const d = new Date(at);
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === new Date(now).toDateString()
    ? time
    : `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}

/** "1 alert" / "3 alerts". */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A length of time for people: "45s", "4m 10s", "2h 5m", "3d 4h". */
export function formatDuration(ms: number): string {
  const secs = Math.round(Math.max(0, ms) / 1000);
  if (secs < 60) return `${secs}s`;
  const mins = Math.floor(secs / 60);
  if (mins < 60) return secs % 60 ? `${mins}m ${secs % 60}s` : `${mins}m`;
  return formatAge(0, mins * 60_000);
}

/** Day and time: "Mon 3 Mar, 09:00". */
export function formatDayTime(at: number): string {
  const d = new Date(at);
  return `${d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' })}, ${d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`;
}

/**
 * What an incident's alerts add up to: distinct alerts, how many of them fire (on an open incident with more than one), and,
 * when asked and repeats came, how many notifications arrived. Older rows without the counts show alerts only.
 */
export function alertFigures(
  i: {
    status: 'triggered' | 'acknowledged' | 'resolved';
    alertCount: number;
    firingCount?: number;
    notificationCount?: number;
  },
  opts: { notifications?: boolean } = {},
): string[] {
  const figures = [plural(i.alertCount, 'alert')];
  // One alert of an open incident is firing by definition; say it only when it tells something.
  if (
    i.firingCount !== undefined &&
    i.status !== 'resolved' &&
    (i.alertCount > 1 || i.firingCount !== i.alertCount)
  )
    figures.push(`${i.firingCount} firing`);
  if (opts.notifications && i.notificationCount !== undefined && i.notificationCount > i.alertCount)
    figures.push(plural(i.notificationCount, 'notification'));
  return figures;
}
