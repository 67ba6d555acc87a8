import { z } from 'zod';
import {
  findUnsafeHtml,
  guardedSmtpSettings,
  SmtpHostRefused,
} from '@optic/providers';
import type {
  PrivateSmtpHosts,
  SmtpSettings,
  SmtpVerification,
} from '@optic/providers';
import { ApiProblem } from '../http/problem';

/** A subject line: one line, at most 255 characters. */
export const emailSubject = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^[^\r\n]*$/, 'one line, without line breaks');

/**
 * Refuses a rich-text body that carries something dangerous (a script, an
 * event handler, a `javascript:` or `data:` link, CSS that runs or loads
 * something), naming each; what is merely outside the editor's range is
 * dropped by the sanitiser instead.
 */
export function refuseUnsafeHtml(path: string, html: string | undefined) {
  const problems = html === undefined ? [] : findUnsafeHtml(html);
  if (problems.length === 0) return;

  const message = `not allowed in an e-mail: ${problems.join(', ')}`;
  throw new ApiProblem(422, 'unsafe_html', `${path}: ${message}`, [
    { path, message },
  ]);
}

/**
 * A shop's SMTP server as the platform's policy lets it be reached (see
 * `guardedSmtpSettings`), or null when its name does not resolve. A
 * refusal is a 422 naming `smtp.host` (or `smtp.password` for one that
 * would travel in clear); it says nothing of what listens there.
 */
export async function allowedSmtpServer<Settings extends SmtpSettings>(
  policy: PrivateSmtpHosts,
  settings: Settings,
): Promise<Settings | null> {
  try {
    return await guardedSmtpSettings(settings, policy);
  } catch (error) {
    if (!(error instanceof SmtpHostRefused)) return null;
    const path =
      error.code === 'SMTP_HOST_FORBIDDEN' ? 'smtp.host' : 'smtp.password';
    throw ApiProblem.unprocessable(path, error.message, 'smtp_server_refused');
  }
}

/** What a check says when it never reached an SMTP server. */
export const UNREACHABLE_SMTP: SmtpVerification = {
  ok: false,
  stage: 'CONN',
  errorCode: 'PROVIDER_UNAVAILABLE',
  message: 'could not connect to the SMTP server',
  serverReplies: [],
};

/**
 * Under `deny`, a failure before an SMTP server greeted us (refused, timed
 * out, reset, unknown name, another protocol's banner) reads the same
 * whatever the cause: the network's own words would tell a manager which
 * addresses and ports the platform reaches and what listens there. What a
 * greeting server answered next is kept: it is that server's to say.
 */
export function verificationShown(
  policy: PrivateSmtpHosts,
  result: SmtpVerification,
): SmtpVerification {
  const greeted = result.serverReplies.some((line) => /^220[ -]/.test(line));
  return policy === 'deny' && !result.ok && !greeted
    ? UNREACHABLE_SMTP
    : result;
}
