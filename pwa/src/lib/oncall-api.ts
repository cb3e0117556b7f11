/** On-call reads: my shifts, the schedules, and my calendar feed. */
import { get, post, type RequestOptions } from './api';
import type { MyShifts, Schedule } from './types';

export const getMyShifts = (opts?: RequestOptions) => get<MyShifts>('/api/oncall/me', opts);
export const listSchedules = (opts?: RequestOptions) =>
  get<{ schedules: Schedule[] }>('/api/schedules', opts);
/** A new secret iCalendar URL with my shifts; the server shows it only in this answer. */
export const createCalendarFeed = () => post<{ url: string }>('/api/oncall/me/calendar-feed', {});
