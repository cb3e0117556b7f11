export type {
  Layer,
  Override,
  Restriction,
  Rotation,
  RotationType,
  Schedule,
  Shift,
} from './types';
export { layerShifts } from './rotation';
export { mergeAdjacent, onCallAt, renderShifts } from './render';
export { scheduleCalendar, shiftUid, userCalendar, type CalendarOptions } from './ical';
export type { ResolvedTargets } from './targets';
