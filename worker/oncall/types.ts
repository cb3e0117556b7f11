/** On-call schedule model. All instants are epoch milliseconds; wall-clock strings are in the schedule's zone. */

export type RotationType = 'hourly' | 'daily' | 'weekly' | 'custom';

export interface Rotation {
  type: RotationType;
  /** Length in hours for 'hourly' (default 1) and 'custom' (required). Ignored for daily/weekly. */
  hours?: number;
}

/** A weekly window in which a layer is active; outside all of a layer's restrictions nobody is on call from it. */
export interface Restriction {
  /** 1 = Monday … 7 = Sunday (luxon weekday numbering); the day the window starts on. */
  days: number[];
  /** 'HH:mm' wall-clock time in the schedule's zone. */
  from: string;
  /** 'HH:mm'; `to <= from` means the window runs past midnight into the next day (equal = 24h). */
  to: string;
}

export interface Layer {
  id: string;
  name: string;
  /** Ordered user ids; users[0] takes the first shift at `start`. */
  users: string[];
  rotation: Rotation;
  /** ISO local date-time without offset in the schedule's zone, e.g. '2026-03-01T09:00': the first handoff. */
  start: string;
  restrictions?: Restriction[];
}

/** Replaces whoever would be on call (after layering) for [start, end). */
export interface Override {
  userId: string;
  start: number;
  end: number;
}

export interface Schedule {
  id: string;
  name: string;
  /** IANA zone, e.g. 'Europe/Berlin'. */
  timeZone: string;
  /** Index 0 is the lowest layer; a higher layer wins wherever it has someone on call. */
  layers: Layer[];
  overrides: Override[];
}

/** A half-open interval [start, end) during which one user is on call. */
export interface Shift {
  userId: string;
  start: number;
  end: number;
  /** The layer that produced it (absent if merged pieces came from different layers, or for overrides). */
  layerId?: string;
  override?: boolean;
}
