import { z } from 'zod';

/** What `problemHandler` answers for every error (RFC 9457). */
export const problemSchema = z
  .looseObject({
    type: z.url().describe('https://optic-comm.dev/problems/<code>'),
    title: z.string().describe('What went wrong, for a person.'),
    status: z.number().int().describe('The HTTP status, repeated.'),
    code: z.string().describe('What went wrong, for a program.'),
    errors: z
      .array(
        z.object({
          path: z.string().describe('The field: `clientId`, `audience.all`…'),
          message: z.string(),
        }),
      )
      .optional()
      .describe('One entry per bad field.'),
  })
  .describe(
    'An RFC 9457 problem; some carry details of their own, such as `needed` and `shortfall` for missing credit.',
  );

/** The problem statuses the document describes, and what each means here. */
export const PROBLEM_STATUSES: Record<number, string> = {
  400: 'The request is invalid; `errors` names each bad field.',
  401: 'No valid API key (or callback token) was given.',
  403: "The key's role is too low for this route.",
  404: 'Unknown here, or belongs to another shop.',
  409: 'Conflicts with the current state (or an `Idempotency-Key` in use).',
  413: 'The request body is too large.',
  415: 'The content type (or the file type) is not one accepted here.',
  422: 'Well-formed, but refers to something unknown or not allowed.',
  429: 'Too many requests with this key; see `Retry-After`.',
};
