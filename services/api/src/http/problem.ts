import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';
import { isDatabaseUnreachable } from '@optic/db';
import type { Logger } from '@optic/domain';

export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem: the only way the API reports an error. */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';

  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly errors: FieldError[] = [],
    /** Machine-readable details added to the body, e.g. a shortfall. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(title);
  }

  static validation(errors: FieldError[]): ApiProblem {
    const title = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    return new ApiProblem(400, 'validation_failed', title, errors);
  }

  static notFound(what: string, path?: string): ApiProblem {
    const errors = path ? [{ path, message: `unknown ${what}` }] : [];
    return new ApiProblem(404, 'not_found', `${what} not found`, errors);
  }

  /** 413 naming the part that is too large and the limit it passed. */
  static payloadTooLarge(path: string, limitBytes: number): ApiProblem {
    const message = `larger than the ${limitBytes} bytes allowed`;
    return new ApiProblem(
      413,
      'payload_too_large',
      `${path}: ${message}`,
      [{ path, message }],
      { limitBytes },
    );
  }

  static unprocessable(
    path: string,
    message: string,
    code = 'invalid_reference',
  ): ApiProblem {
    return new ApiProblem(422, code, `${path}: ${message}`, [
      { path, message },
    ]);
  }
}

/** Turns zod issues into one entry per bad field. */
export function fieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.flatMap((issue) => {
    const at = [prefix, ...issue.path.map(String)];
    // zod reports every unknown key in one issue on the parent object;
    // name each key instead, or the client is only told "(body)".
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: fieldPath([...at, key]),
        message: 'not a known field',
      }));
    }
    return [{ path: fieldPath(at), message: issue.message }];
  });
}

function fieldPath(parts: string[]): string {
  return parts.filter(Boolean).join('.') || '(body)';
}

export const notFoundRoute: RequestHandler = (req, _res, next) => {
  next(
    new ApiProblem(
      404,
      'route_not_found',
      `no route for ${req.method} ${req.path}`,
    ),
  );
};

/** The one error handler: problems as they are, anything else as a 500. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const problem = toProblem(error);
    if (problem.status >= 500) {
      // The route's pattern, not the path: paths carry tokens and ids.
      const route = (req.route as { path?: string } | undefined)?.path;
      logger.error('request failed', {
        method: req.method,
        route: route ?? '(no route)',
        error: String(error),
      });
    }
    res
      .status(problem.status)
      .type('application/problem+json')
      .json({
        type: `https://optic-comm.dev/problems/${problem.code}`,
        title: problem.title,
        status: problem.status,
        code: problem.code,
        ...problem.extra,
        ...(problem.errors.length > 0 ? { errors: problem.errors } : {}),
      });
  };
}

function toProblem(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;

  const raw = error as { type?: string; limit?: number };
  if (raw.type === 'entity.parse.failed') {
    return new ApiProblem(
      400,
      'invalid_json',
      'the request body is not valid JSON',
      [{ path: '(body)', message: 'not valid JSON' }],
    );
  }
  if (raw.type === 'entity.too.large') {
    return ApiProblem.payloadTooLarge('(body)', Number(raw.limit));
  }
  if (isClientError(error)) {
    return new ApiProblem(
      error.status,
      'unreadable_body',
      'the request body cannot be read',
      [{ path: '(body)', message: error.message }],
    );
  }
  if (isDatabaseUnreachable(error)) {
    return new ApiProblem(
      503,
      'database_unavailable',
      'PostgreSQL is unavailable, try again',
      [],
      { dependency: 'postgres' },
    );
  }
  if (isUnavailable(error)) {
    return new ApiProblem(
      503,
      'unavailable',
      'a backing service is unavailable, try again',
    );
  }
  return new ApiProblem(500, 'internal', 'internal error');
}

/**
 * body-parser's other refusals (an unsupported charset or content encoding,
 * a corrupt gzip body) are http-errors marked safe to show.
 */
function isClientError(
  error: unknown,
): error is { status: number; message: string } {
  const raw = error as { status?: unknown; expose?: unknown };
  return (
    raw.expose === true &&
    typeof raw.status === 'number' &&
    raw.status >= 400 &&
    raw.status < 500
  );
}

function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === '57P01';
}
