/** Types for slack-stand-in.mjs (plain ESM, run by vitest's globalSetup and the end-to-end test). */
export function blockProblems(blocks: unknown): string[];
export function startSlackStandIn(): Promise<{ origin: string; close: () => Promise<void> }>;
export default function setup(ctx: {
  provide: (key: string, value: string) => void;
}): Promise<() => Promise<void>>;
