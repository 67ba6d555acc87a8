import type { z } from 'zod';

/** The areas of the API, in the order the documentation shows them. */
export const API_TAGS = {
  Shops: 'A shop, its settings and its public view.',
  'API keys': "A shop's keys: staff, manager.",
  Clients: 'Clients of a shop, their contact details and the CSV import.',
  Consent: 'Consent to SMS and e-mail, with its trail.',
  Visits: 'Visits (glasses, lenses, repairs) and their status.',
  Documents: 'Documents of a client or a visit, sent as attachments.',
  Suppressions: 'Numbers and addresses that get nothing.',
  'Client data': 'Right of access and erasure.',
  Templates: 'Predefined messages with merge fields.',
  Messages: 'Sending one SMS or e-mail, and the history.',
  SMS: 'SMS preview, settings and replies.',
  'E-mail': 'E-mail preview and settings.',
  Credit: 'Prepaid SMS credit and its ledger.',
  Campaigns: 'Bulk sends to an audience.',
  Webhooks: "Octopush's callbacks.",
  Unsubscribe: 'The links of marketing e-mails.',
  Operations: 'Health, readiness, metrics and the admin session.',
  Console: "The shop's web console: static pages calling this API.",
  Documentation: 'This description and its browsable page.',
} as const;

export type ApiTag = keyof typeof API_TAGS;

/**
 * Who may call a route: `key` needs an API key (the default), `public`
 * needs nothing or checks its own proof (a token in the path, a key in the
 * body), `webhook` needs the callback token in `?token=`.
 */
export type Access = 'key' | 'public' | 'webhook';

/** What a successful answer carries. */
export type ContentKind = 'json' | 'html' | 'text' | 'file' | 'none';

export interface AnswerSpec {
  /** @defaultValue 200 */
  status?: number;
  description: string;
  /** @defaultValue `json`, or `none` for a 204 */
  content?: ContentKind;
}

/** A request body other than JSON: a multipart form, or a CSV. */
export interface UploadSpec {
  /** The form's text fields; the file is always the part `file`. */
  fields?: z.ZodObject;
  /** The file may also be sent alone as the body, `text/csv`. */
  csv?: boolean;
}

/**
 * One route as `/openapi.json` describes it. Each routes file exports the
 * list of its own, next to the schemas its handlers parse, and
 * `openapi/operations.ts` gathers them; a test fails when a route of the
 * app has none.
 */
export interface OperationSpec {
  /** As in the router: `GET`, `POST`, `PATCH`, `DELETE`. */
  method: string;
  /** As in the router, with Express's `:name` segments. */
  path: string;
  tag: ApiTag;
  summary: string;
  /** @defaultValue `key` */
  access?: Access;
  /** The schema the handler parses `req.query` with. */
  query?: z.ZodObject;
  /** The schema the handler parses the JSON body with. */
  body?: z.ZodType;
  upload?: UploadSpec;
  /** Takes an `Idempotency-Key` header. */
  idempotent?: boolean;
  /** Answers other than problems, the successful one first. */
  answers: AnswerSpec[];
  /**
   * Problem statuses beyond those the document adds itself (400 for a
   * request with input, 401 and 429 with a key, 403 for a role, 404 for a
   * path with ids).
   */
  problems?: number[];
}
