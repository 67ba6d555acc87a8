import type { z } from 'zod';
import { ApiProblem, fieldErrors } from './problem';
import type { FieldError } from './problem';

export type Checked<T> =
  { ok: true; data: T } | { ok: false; errors: FieldError[] };

/** Parses a request part or throws a 400 naming each bad field. */
export function parse<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  prefix = '',
): z.infer<Schema> {
  const result = check(schema, value, prefix);
  if (!result.ok) throw ApiProblem.validation(result.errors);
  return result.data;
}

/** Like {@link parse}, but hands back the bad fields for the caller to add to. */
export function check<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  prefix = '',
): Checked<z.infer<Schema>> {
  const result = schema.safeParse(value ?? {});
  if (!result.success)
    return { ok: false, errors: fieldErrors(result.error, prefix) };

  const errors = nulCharacters(result.data, prefix);
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, data: result.data };
}

// PostgreSQL text cannot hold U+0000: the INSERT would fail as a 500.
function nulCharacters(value: unknown, path: string): FieldError[] {
  if (typeof value === 'string') {
    return value.includes('\u0000')
      ? [
          {
            path: path || '(body)',
            message: 'must not contain a NUL character',
          },
        ]
      : [];
  }
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) =>
    nulCharacters(item, path ? `${path}.${key}` : key),
  );
}
