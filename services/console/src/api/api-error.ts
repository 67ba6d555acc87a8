/** One bad field of a refused request, as the API names it. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** An `application/problem+json` answer of the API, or no answer at all. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly fields: FieldProblem[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(title);
  }
}

/** Reads a problem body; anything else becomes a generic problem. */
export function problemFrom(status: number, body: unknown): ApiError {
  const problem = (body ?? {}) as Record<string, unknown>;
  const { code, title, errors, ...details } = problem;
  return new ApiError(
    status,
    typeof code === 'string' ? code : 'http_error',
    typeof title === 'string' ? title : `HTTP ${status}`,
    Array.isArray(errors) ? (errors as FieldProblem[]) : [],
    details,
  );
}
