/** The slice of opsgenie-sdk 0.5.1 (no types of its own) the end-to-end test drives. */
declare module 'opsgenie-sdk' {
  /** An answer body; on a non-2xx the SDK adds httpStatusCode and passes it as the error. */
  export type Answer = Record<string, unknown> & { message?: string; httpStatusCode?: number };
  export type Callback = (error: Answer | null, response: Answer | null) => void;
  export interface Identifier {
    identifier: string;
    identifierType?: 'id' | 'alias' | 'tiny';
  }
  type Action = (identifier: Identifier, data: Record<string, unknown>, cb: Callback) => void;
  const opsgenie: {
    configure(options: { api_key: string; host?: string }): void;
    alertV2: {
      create(data: Record<string, unknown>, cb: Callback): void;
      get(identifier: Identifier, cb: Callback): void;
      list(params: Record<string, unknown>, cb: Callback): void;
      /** `config` is merged into the request options (e.g. { skipHeaderSanitize: true }). */
      list(params: Record<string, unknown>, config: Record<string, unknown>, cb: Callback): void;
      getRequestStatus(requestId: string, cb: Callback): void;
      close: Action;
      acknowledge: Action;
      addNote: Action;
      snooze: Action;
      escalateToNext: Action;
      addTags: Action;
    };
  };
  export default opsgenie;
}
