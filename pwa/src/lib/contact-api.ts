/** My email addresses, phone numbers and notification rules (Settings). Types only from schema/, so no zod. */
import type {
  ContactMethod,
  NotificationRules,
  RuleStep,
  WorkingHours,
} from '../../../schema/contact-schemas';
import { del, get, post, put, type RequestOptions } from './api';

export type { ContactMethod, NotificationRules, RuleStep, WorkingHours };

interface CodeSent {
  sent: boolean;
  message: string;
}

const method = (id: string) => `/api/contact-methods/${encodeURIComponent(id)}`;

export const listMethods = (opts?: RequestOptions) =>
  get<{ methods: ContactMethod[] }>('/api/contact-methods', opts);
export const addEmail = (address: string) =>
  post<{ method: ContactMethod; code: CodeSent }>('/api/contact-methods', { address });
/** A phone number for SMS or voice pages; the code goes by SMS. */
export const addPhone = (kind: 'sms' | 'voice', address: string) =>
  post<{ method: ContactMethod; code: CodeSent }>('/api/contact-methods', { kind, address });
export const resendCode = (id: string) =>
  post<{ method: ContactMethod; code: CodeSent }>(`${method(id)}/code`, {});
export const verifyMethod = (id: string, code: string) =>
  post<{ method: ContactMethod }>(`${method(id)}/verify`, { code });
export const deleteMethod = (id: string) => del(method(id));

export const getRules = (opts?: RequestOptions) =>
  get<{ rules: NotificationRules }>('/api/notification-rules', opts);
export const saveRules = (rules: NotificationRules) =>
  put<{ rules: NotificationRules }>('/api/notification-rules', rules);
