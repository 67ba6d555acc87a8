import type { z } from 'zod';
import { ApiProblem, fieldErrors } from './problem';

/** Parses a request part or throws a 400 naming each bad field. */
export function parse<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  prefix = '',
): z.infer<Schema> {
  const result = schema.safeParse(value ?? {});
  if (!result.success)
    throw ApiProblem.validation(fieldErrors(result.error, prefix));
  return result.data;
}
