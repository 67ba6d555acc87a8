/**
 * The Octopush return codes the sandbox answers with, as documented at
 * https://octopush.com/en/sms-gateway-api-documentation/return-codes/.
 * The page shows typographic quotes; they are WordPress rendering, so the
 * texts here keep plain ones.
 */
export const OCTOPUSH_RETURN_CODES = {
  100: { httpStatus: 400, message: 'POST request missing.' },
  101: { httpStatus: 401, message: 'Incorrect login details.' },
  103: { httpStatus: 400, message: 'Your message has no recipients' },
  104: { httpStatus: 400, message: 'You have run out of credit.' },
  106: {
    httpStatus: 400,
    message:
      'You have entered the Sender incorrectly. 3 to 11 characters, chosen from 0 to 9, a to z, A to Z. No accent, space or punctuation.',
  },
  107: { httpStatus: 400, message: 'The text of your message is missing.' },
  112: {
    httpStatus: 400,
    message: 'You have not defined the quality of your message.',
  },
  117: {
    httpStatus: 400,
    message:
      'Your recipient list contains no correct numbers. Have you formatted your numbers by including the international dialling code? Contact us if you have any problems.',
  },
  120: {
    httpStatus: 400,
    message: 'A SMS with the same request_id has already been sent.',
  },
  121: {
    httpStatus: 400,
    message:
      'In Premium SMS, the mention "STOP au XXXXX" is mandatory and must belong to your text (respect the case).',
  },
} as const;

export type OctopushReturnCode = keyof typeof OCTOPUSH_RETURN_CODES;

/** The body Octopush answers with when it refuses a request. */
export interface OctopushErrorBody {
  code: number;
  message: string;
}
