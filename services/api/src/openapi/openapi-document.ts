import { z } from 'zod';
import type { ApiKeyRole } from '@optic/db';
import { version } from '../../package.json';
import { ROUTE_ROLES } from '../auth/route-roles';
import type { RouteRole } from '../auth/route-roles';
import { API_TAGS } from './operation-spec';
import type {
  Access,
  AnswerSpec,
  ContentKind,
  OperationSpec,
  UploadSpec,
} from './operation-spec';
import { PROBLEM_STATUSES, problemSchema } from './problem-schema';

type JsonObject = Record<string, unknown>;

export interface OpenApiDocument extends JsonObject {
  openapi: string;
  paths: Record<string, Record<string, JsonObject>>;
}

/**
 * The OpenAPI 3.1 description of the API, made from each route's own zod
 * schemas (converted by zod's `toJSONSchema`, as the handlers see their
 * input) and from ROUTE_ROLES for the roles.
 */
export function buildOpenApiDocument(
  operations: OperationSpec[],
  roles: RouteRole[] = ROUTE_ROLES,
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const spec of operations) {
    const path = openApiPath(spec.path);
    const method = spec.method.toLowerCase();
    paths[path] ??= {};
    if (paths[path][method]) {
      throw new Error(`${spec.method} ${spec.path} is described twice`);
    }
    paths[path][method] = operation(spec, roleOf(spec, roles));
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'optic-comm API',
      version,
      summary: 'SMS and e-mails of optician shops to their clients.',
      description:
        'Every call needs `Authorization: Bearer <API key>` unless marked otherwise. Every error is an RFC 9457 problem (`application/problem+json`).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: Object.entries(API_TAGS).map(([name, description]) => ({
      name,
      description,
    })),
    paths,
    components: components(),
  };
}

/**
 * Express's `/clients/:clientId` as OpenAPI's `/clients/{clientId}`; an
 * optional part such as `{/*screen}` (Express 5) is written as present.
 */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/\{([^}]*)\}/g, '$1').replace(PARAMETER, '{$1}');
}

/** A `:name` segment, or a `*name` wildcard. */
const PARAMETER = /[:*](\w+)/g;

function roleOf(spec: OperationSpec, roles: RouteRole[]): ApiKeyRole | null {
  const rule = roles.find(
    (r) => r.method === spec.method && r.path === spec.path,
  );
  return rule?.role ?? null;
}

function operation(spec: OperationSpec, role: ApiKeyRole | null): JsonObject {
  const parameters = [
    ...pathParameters(spec.path),
    ...(spec.query ? queryParameters(spec.query) : []),
    ...(spec.idempotent ? [IDEMPOTENCY_KEY] : []),
  ];
  const requestBody = spec.body
    ? jsonBody(spec.body)
    : spec.upload && uploadBody(spec.upload);
  return {
    tags: [spec.tag],
    summary: spec.summary,
    ...(role ? { description: `Role needed: ${role}.` } : {}),
    security: SECURITY[spec.access ?? 'key'],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: responses(spec, role),
  };
}

const SECURITY: Record<Access, JsonObject[]> = {
  key: [{ apiKey: [] }],
  public: [],
  webhook: [{ webhookToken: [] }],
};

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retry safe: a repeat with the same body gets the first answer again.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

/** The handlers check ids themselves: a bad one is simply not found. */
function pathParameters(path: string): JsonObject[] {
  return [...path.matchAll(PARAMETER)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: name!.endsWith('Id') ? jsonSchema(z.uuid()) : { type: 'string' },
  }));
}

function queryParameters(query: z.ZodObject): JsonObject[] {
  const schema = jsonSchema(query);
  const properties = (schema.properties ?? {}) as Record<string, JsonObject>;
  const required = (schema.required ?? []) as string[];
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    schema: property,
  }));
}

function jsonBody(body: z.ZodType): JsonObject {
  return {
    // The handlers parse a missing body as `{}`.
    required: !body.safeParse({}).success,
    content: { 'application/json': { schema: jsonSchema(body) } },
  };
}

function uploadBody(upload: UploadSpec): JsonObject {
  const form = upload.fields
    ? jsonSchema(upload.fields)
    : { type: 'object', properties: {} };
  const required = [...((form.required ?? []) as string[]), 'file'];
  const multipart = {
    ...form,
    properties: { ...(form.properties as JsonObject), file: BINARY },
    required,
  };
  return {
    required: true,
    content: {
      'multipart/form-data': { schema: multipart },
      ...(upload.csv ? { 'text/csv': { schema: { type: 'string' } } } : {}),
    },
  };
}

const BINARY = { type: 'string', format: 'binary' };

/** A request schema as the handler receives it: defaults make fields optional. */
function jsonSchema(schema: z.ZodType): JsonObject {
  const { $schema: _dialect, ...converted } = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-2020-12',
  });
  return converted;
}

function responses(spec: OperationSpec, role: ApiKeyRole | null): JsonObject {
  const answers = spec.answers.map((a) => [String(a.status ?? 200), answer(a)]);
  // A route that answers a status with its own body (an HTML page) says so.
  const own = new Set(answers.map(([status]) => status));
  const problems = problemStatuses(spec, role)
    .map(String)
    .filter((status) => !own.has(status))
    .map((status) => [
      status,
      { $ref: `#/components/responses/Problem${status}` },
    ]);
  return Object.fromEntries([
    ...answers,
    ...problems,
    ['default', { $ref: '#/components/responses/ProblemDefault' }],
  ]);
}

function answer(spec: AnswerSpec): JsonObject {
  const kind = spec.content ?? (spec.status === 204 ? 'none' : 'json');
  const mediaType = MEDIA_TYPES[kind];
  return {
    description: spec.description,
    ...(mediaType ? { content: { [mediaType]: {} } } : {}),
  };
}

const MEDIA_TYPES: Record<ContentKind, string | null> = {
  json: 'application/json',
  html: 'text/html',
  text: 'text/plain',
  file: 'application/octet-stream',
  none: null,
};

function problemStatuses(
  spec: OperationSpec,
  role: ApiKeyRole | null,
): number[] {
  const keyed = (spec.access ?? 'key') === 'key';
  const statuses = new Set([
    ...(spec.query || spec.body || spec.upload ? [400] : []),
    ...(spec.access === 'public' ? [] : [401]),
    ...(role ? [403] : []),
    ...(spec.path.search(PARAMETER) !== -1 ? [404] : []),
    ...(spec.body ? [413] : []),
    ...(keyed ? [429] : []),
    ...(spec.problems ?? []),
  ]);
  const unknown = [...statuses].filter((s) => !PROBLEM_STATUSES[s]);
  if (unknown.length > 0) {
    throw new Error(`${spec.method} ${spec.path}: no problem ${unknown}`);
  }
  return [...statuses].sort((a, b) => a - b);
}

function components(): JsonObject {
  const problem = {
    content: {
      'application/problem+json': {
        schema: { $ref: '#/components/schemas/Problem' },
      },
    },
  };
  const byStatus = Object.entries(PROBLEM_STATUSES).map(
    ([status, description]) => [
      `Problem${status}`,
      { description, ...problem },
    ],
  );
  return {
    schemas: { Problem: jsonSchema(problemSchema) },
    responses: Object.fromEntries([
      ...byStatus,
      [
        'ProblemDefault',
        {
          description: 'An unexpected error (500), or a service down (503).',
          ...problem,
        },
      ],
    ]),
    securitySchemes: {
      apiKey: {
        type: 'http',
        scheme: 'bearer',
        description: 'An API key: `Authorization: Bearer <key>`.',
      },
      webhookToken: {
        type: 'apiKey',
        in: 'query',
        name: 'token',
        description: "The secret of Octopush's callback URLs.",
      },
    },
  };
}
