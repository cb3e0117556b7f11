/** How often a schedule layer hands over, in words. */
import type { ScheduleLayer } from './types';

export function rotationText(r: ScheduleLayer['rotation']): string {
  if (r.type === 'daily') return 'Daily';
  if (r.type === 'weekly') return 'Weekly';
  const hours = r.hours ?? 1;
  return hours === 1 ? 'Hourly' : `Every ${hours} hours`;
}
