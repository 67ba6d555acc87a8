import express from 'express';
import type { Request, RequestHandler } from 'express';
import { ApiProblem } from './problem';

/** `application/json` and any `+json` type, such as `merge-patch+json`. */
const JSON_TYPES = ['application/json', '+json'];

/** Requests whose body is not JSON, each read by its own route. */
const OTHER_BODIES = [
  // A CSV as text/csv or as a multipart file.
  /^\/v1\/shops\/[^/]+\/clients\/import\/?$/i,
  // A multipart file.
  /^\/v1\/shops\/[^/]+\/documents\/?$/i,
  // RFC 8058 one-click: mail providers post a form, which is never read.
  /^\/v1\/unsubscribe\//i,
];

/**
 * Parses JSON bodies up to `limitBytes` (413 beyond) and refuses any other
 * body with a 415, except where a route reads its own: a body the parser
 * skipped would reach the route as if empty and pass as "all defaults".
 */
export function jsonBodies(limitBytes: number): RequestHandler[] {
  return [express.json({ limit: limitBytes, type: JSON_TYPES }), jsonOnly];
}

const jsonOnly: RequestHandler = (req, _res, next) => {
  if (!carriesBody(req) || req.is(JSON_TYPES)) return next();
  if (OTHER_BODIES.some((path) => path.test(req.path))) return next();

  const type = req.get('content-type') ?? 'no content type';
  throw new ApiProblem(
    415,
    'unsupported_media_type',
    `the body must be application/json, not ${type}`,
    [{ path: '(body)', message: `not JSON: ${type}` }],
  );
};

function carriesBody(req: Request): boolean {
  const length = req.get('content-length');
  return (
    req.get('transfer-encoding') !== undefined ||
    (length !== undefined && Number(length) > 0)
  );
}
