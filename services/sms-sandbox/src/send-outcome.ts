import { OCTOPUSH_RETURN_CODES } from './octopush-return-codes';
import type {
  OctopushErrorBody,
  OctopushReturnCode,
} from './octopush-return-codes';

/** What the send endpoint answers, whichever path produced it. */
export interface SendOutcome {
  httpStatus: number;
  body: object;
  /** The key counted under `byCode` in the stats; null when accepted. */
  statKey: string | null;
  headers?: Record<string, string>;
}

/** The documented refusal for an Octopush return code. */
export function octopushRefusal(code: OctopushReturnCode): SendOutcome {
  const { httpStatus, message } = OCTOPUSH_RETURN_CODES[code];
  const body: OctopushErrorBody = { code, message };

  return { httpStatus, body, statKey: String(code) };
}
