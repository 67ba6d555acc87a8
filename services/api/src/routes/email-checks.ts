import { z } from 'zod';
import { findUnsafeHtml } from '@optic/providers';
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
