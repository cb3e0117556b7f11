/** Durations as people say them: "45 s", "4 min", "1 h 5 min", "2 d 3 h". */
import type { Duration } from '../../schema/review';

/** Two units at most, the smaller rounded: precise enough for a review, short enough to read aloud. */
export function humanDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return pair(Math.floor(seconds / 60), 'min', seconds % 60, 's');
  const minutes = Math.round(seconds / 60);
  if (minutes < 24 * 60) return pair(Math.floor(minutes / 60), 'h', minutes % 60, 'min');
  const hours = Math.round(minutes / 60);
  return pair(Math.floor(hours / 24), 'd', hours % 24, 'h');
}

const pair = (big: number, bigUnit: string, small: number, smallUnit: string) =>
  small ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`;

/** The duration between two instants, or null when the later one has not happened. */
export function between(from: number, to: number | null): Duration | null {
  if (to === null) return null;
  const ms = Math.max(0, to - from);
  return { ms, text: humanDuration(ms) };
}
