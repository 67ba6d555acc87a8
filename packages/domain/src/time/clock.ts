/**
 * The one source of time for every process. Tests and demos set it so that
 * sending windows, schedules, expiries and the sweeper can be exercised at
 * any date, whenever the suite runs.
 */
export interface Clock {
  now(): Date;
}

/** Reads the machine's time. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that starts at a chosen instant and then advances with real time,
 * so that a whole stack of processes can agree on a fictional "now".
 *
 * @example shiftedClock(new Date('2026-07-14T10:00:00+02:00'))
 */
export function shiftedClock(start: Date, base: Clock = systemClock): Clock {
  const offsetMs = start.getTime() - base.now().getTime();
  return { now: () => new Date(base.now().getTime() + offsetMs) };
}

/** A clock that only moves when told to; for in-process tests. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: Date): void {
    this.current = at.getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
