import { z } from 'zod';

import type { OctopushReturnCode } from './octopush-return-codes';

const optionalText = z.string().nullable().optional();

const contactSchema = z.object({
  phone_number: z.string(),
  first_name: optionalText,
  last_name: optionalText,
  param1: optionalText,
  param2: optionalText,
  param3: optionalText,
  param4: optionalText,
  param5: optionalText,
});

/** The body of `POST /v1/public/sms-campaign/send`, as documented. */
export const sendRequestSchema = z.object({
  text: z.string().min(1).max(1224),
  recipients: z.array(contactSchema).min(1).max(500),
  type: z.enum(['sms_premium', 'sms_low_cost']),
  sender: z
    .string()
    .regex(/^[a-zA-Z0-9 ]{3,11}$/)
    .optional(),
  purpose: z.enum(['alert', 'wholesale']).default('wholesale'),
  send_at: z.iso.datetime({ offset: true }).optional(),
  with_replies: z.boolean().optional(),
  simulation_mode: z.boolean().optional(),
  request_id: z.string().min(1).optional(),
  auto_optimize_text: z.boolean().optional(),
});

export type SendRequest = z.infer<typeof sendRequestSchema>;
export type Contact = z.infer<typeof contactSchema>;
export type SmsType = SendRequest['type'];
export type SmsPurpose = SendRequest['purpose'];

// Fields whose problems Octopush documents with their own code, checked in
// this order; anything else wrong with the body falls back to 100.
const FIELD_CODES: ReadonlyArray<[string, OctopushReturnCode]> = [
  ['text', 107],
  ['recipients', 103],
  ['type', 112],
  ['sender', 106],
];

/** Parses a send body, or names the return code that refuses it. */
export function parseSendRequest(
  body: unknown,
):
  { ok: true; request: SendRequest } | { ok: false; code: OctopushReturnCode } {
  const result = sendRequestSchema.safeParse(body);

  if (result.success) return { ok: true, request: result.data };

  return { ok: false, code: codeForIssues(body, result.error.issues) };
}

function codeForIssues(
  body: unknown,
  issues: ReadonlyArray<z.core.$ZodIssue>,
): OctopushReturnCode {
  if (!isObject(body)) return 100;

  for (const [field, code] of FIELD_CODES) {
    const issue = issues.find((candidate) => candidate.path[0] === field);

    if (issue && appliesTo(field, issue)) return code;
  }

  return 100;
}

// Only a missing or empty text or recipient list has a code of its own; a
// text over 1,224 characters or more than 500 recipients does not.
function appliesTo(field: string, issue: z.core.$ZodIssue): boolean {
  if (field !== 'text' && field !== 'recipients') return true;
  if (issue.path.length > 1) return false;

  return issue.code !== 'too_big';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
