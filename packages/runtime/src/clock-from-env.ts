import { shiftedClock, systemClock } from '@optic/domain';
import type { Clock } from '@optic/domain';

/** The process clock: the system's, or one started at `CLOCK_START`. */
export function clockFrom(start: string | undefined): Clock {
  return start ? shiftedClock(new Date(start)) : systemClock;
}
