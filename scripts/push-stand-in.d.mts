import { EventEmitter } from 'node:events';
import type { PagePayload } from '../worker/push/payload';

/** One push request as the stand-in received it. */
export interface ReceivedPush {
  subscriptionId: string;
  /** Date.now() when the request's body had fully arrived. */
  arrivedAt: number;
  headers: { ttl: string | undefined; urgency: string | undefined; topic: string | undefined };
  /** The decrypted body, exactly as the browser's service worker would be handed it. */
  text: string;
  payload: PagePayload;
}

/** A subscription the caller holds the private half of; register it through the API. */
export interface StandInSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export declare class PushStandIn extends EventEmitter<{ push: [ReceivedPush] }> {
  readonly received: ReceivedPush[];
  readonly errors: string[];
  readonly port: number;
  static start(vapidPublicKey: string, port?: number): Promise<PushStandIn>;
  static vapidKeyOf(devVarsPath: string): string;
  get origin(): string;
  subscribe(): StandInSubscription;
  next(
    match: (push: ReceivedPush) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<ReceivedPush>;
  close(): Promise<void>;
}
