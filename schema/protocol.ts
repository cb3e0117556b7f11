/**
 * The live-room wire protocol: one discriminated union each way. Types only, derived from the zod shapes
 * in ./protocol-schemas, so the PWA can import them without loading zod.
 */
export type {
  ClientMessage,
  FeedMessage,
  ProblemBody,
  ServerMessage,
  Viewer,
} from './protocol-schemas';
