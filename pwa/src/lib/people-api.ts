/** An admin managing other people's access (/api/users/:id, /api/calendar-feeds). Loaded with the Admin page only. */
import { del, get, patch } from './api';
import type { ApiToken, Role, User } from './types';

/** A person as the admin list shows them. */
export type Person = User & { disabled?: boolean; reachable?: boolean };

export interface PersonSession {
  id: string;
  createdAt: number;
  expiresAt: number;
  userAgent: string | null;
}

export interface CalendarFeed {
  id: string;
  kind: 'schedule' | 'user';
  refId: string;
  refName: string | null;
  createdBy: string | null;
  createdAt: number;
}

interface Named {
  id: string;
  name: string;
}

/** Rotations and escalation levels that still name someone: they page nobody there while the person is disabled or removed. */
export interface StillNamedBy {
  schedules: Named[];
  policies: Named[];
}

export interface PersonDetail {
  user: Person;
  sessions: PersonSession[];
  tokens: ApiToken[];
  calendarFeeds: CalendarFeed[];
  stillNamedBy: StillNamedBy;
}

const user = (id: string) => `/api/users/${encodeURIComponent(id)}`;

export const getPerson = (id: string) => get<PersonDetail>(user(id));
export const changeAccess = (id: string, change: { role?: Role; disabled?: boolean }) =>
  patch<{ user: Person; stillNamedBy: StillNamedBy }>(user(id), change);
export const removePerson = (id: string) => del(user(id));
export const endSession = (id: string, sessionId: string) =>
  del(`${user(id)}/sessions/${encodeURIComponent(sessionId)}`);
export const endAllSessions = (id: string) => del(`${user(id)}/sessions`);
export const revokePersonToken = (id: string, tokenId: string) =>
  del(`${user(id)}/tokens/${encodeURIComponent(tokenId)}`);
export const revokeCalendarFeed = (id: string) =>
  del(`/api/calendar-feeds/${encodeURIComponent(id)}`);
