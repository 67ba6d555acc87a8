/**
 * TEST HOOK, for the fault suite only (test/faults). A worker started with
 * `TEST_CRASH_AT=<point>` kills itself with SIGKILL the first time one of
 * its jobs reaches that point, so that a real crash happens exactly where
 * the suite wants it; the restarted worker runs without the variable.
 * Unset, as everywhere but that suite, the hook does nothing.
 */
export const CRASH_POINTS = [
  // The transaction that marks the message `sending` (debiting its credit
  // on a first attempt) has committed; the provider has not been called.
  'after-debit',
  // The provider accepted the message; its `sent` is not recorded.
  'after-provider-accept',
  // Inside the transaction that marks a refused message `failed` and
  // refunds its credit, before it commits.
  'during-refund',
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

export type CrashHook = (point: CrashPoint) => void;

export const noCrash: CrashHook = () => undefined;

/** The hook of a process started with `TEST_CRASH_AT` (or none). */
export function crashHookAt(at: CrashPoint | null | undefined): CrashHook {
  if (!at) return noCrash;
  return (point) => {
    if (point === at) process.kill(process.pid, 'SIGKILL');
  };
}
