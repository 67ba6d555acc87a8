import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { messageJobId } from '@optic/queue';
import type { QueueChannel, QueueLane } from '@optic/queue';
import type { TestStack } from '../support/test-stack';

/** The parts of a response a problem check reads (axios or fetch). */
export interface ProblemResponse {
  status: number;
  headers: unknown;
  data: unknown;
}

export interface ExpectedProblem {
  status: number;
  code: string;
  /** Every `errors[].path` the body must name, in any order. */
  paths: string[];
  /** What the message of some of those paths must say. */
  messages?: Record<string, RegExp>;
}

interface FieldError {
  path: string;
  message: string;
}

/**
 * Checks an RFC 9457 answer: its status, media type and code, exactly the
 * bad fields named, and a reason for each.
 */
export function expectProblem(
  response: ProblemResponse,
  expected: ExpectedProblem,
): void {
  const body = (response.data ?? {}) as { errors?: FieldError[] };
  const errors = [...(body.errors ?? [])].sort(byPath);

  expect({
    status: response.status,
    contentType: contentTypeOf(response),
    body: { ...body, errors },
  }).toEqual({
    status: expected.status,
    contentType: expect.stringMatching(/^application\/problem\+json/),
    body: expect.objectContaining({
      status: expected.status,
      code: expected.code,
      title: expect.stringMatching(/\S/),
      errors: [...expected.paths].sort().map((path) =>
        expect.objectContaining({
          path,
          message: expect.stringMatching(expected.messages?.[path] ?? /\S/),
        }),
      ),
    }),
  });
}

function byPath(a: FieldError, b: FieldError): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function contentTypeOf(response: ProblemResponse): string | undefined {
  const headers = response.headers as Record<string, unknown>;
  const value = headers['content-type'];
  return typeof value === 'string' ? value : undefined;
}

export function invalid(
  paths: string[],
  messages: Record<string, RegExp> = {},
): ExpectedProblem {
  return { status: 400, code: 'validation_failed', paths, messages };
}

/** Runs a refused request and proves that nothing at all was written. */
export async function expectRefusedWithoutTrace(
  stack: TestStack,
  send: () => Promise<ProblemResponse>,
  expected: ExpectedProblem,
): Promise<void> {
  const before = await snapshotStore(stack);

  expectProblem(await send(), expected);

  expect(await snapshotStore(stack)).toEqual(before);
}

/** Posts a multipart form with fetch, in the shape {@link expectProblem} reads. */
export async function postForm(
  stack: TestStack,
  path: string,
  form: FormData,
): Promise<ProblemResponse & { data: Record<string, unknown> }> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    body: form,
    headers: { authorization: stack.authorization },
  });
  return {
    status: response.status,
    headers: { 'content-type': response.headers.get('content-type') },
    data: (await response.json()) as Record<string, unknown>,
  };
}

const TABLES = [
  'shop',
  'client',
  'consent_event',
  'visit',
  'suppression',
  'document',
  'template',
  'campaign',
  'message',
  'credit_ledger',
] as const;

type Table = (typeof TABLES)[number];

const QUEUES: [QueueChannel, QueueLane][] = [
  ['sms', 'counter'],
  ['sms', 'campaign'],
  ['email', 'counter'],
  ['email', 'campaign'],
];

/** Everything a request could have written: rows, balances, jobs, files. */
export interface StoreSnapshot {
  rows: Record<Table, number>;
  creditBalances: number;
  jobs: number;
  documentFiles: number;
}

export async function snapshotStore(stack: TestStack): Promise<StoreSnapshot> {
  const rows = {} as Record<Table, number>;
  for (const table of TABLES) {
    const [row] = await stack.db.dataSource.query(
      `SELECT count(*)::int AS n FROM ${table}`,
    );
    rows[table] = row.n;
  }
  const [balances] = await stack.db.dataSource.query(
    'SELECT coalesce(sum(credit_balance), 0)::int AS n FROM shop',
  );
  return {
    rows,
    creditBalances: balances.n,
    jobs: await jobCount(stack),
    documentFiles: await documentFileCount(stack),
  };
}

/** Jobs in every state, on every queue of this stack. */
export async function jobCount(stack: TestStack): Promise<number> {
  let total = 0;
  for (const [channel, lane] of QUEUES) {
    const counts = await stack.producer.queue(channel, lane).getJobCounts();
    total += Object.values(counts).reduce((sum, n) => sum + n, 0);
  }
  return total;
}

/** Takes the jobs of accepted sends away, so later checks start from none. */
export async function removeJobs(
  stack: TestStack,
  messageIds: string[],
): Promise<void> {
  for (const id of messageIds) {
    for (const [channel, lane] of QUEUES) {
      await stack.producer.queue(channel, lane).remove(messageJobId(id));
    }
  }
}

async function documentFileCount(stack: TestStack): Promise<number> {
  const entries = await readdir(stack.documentsDir, {
    recursive: true,
    withFileTypes: true,
  });
  return entries.filter((entry) => entry.isFile()).length;
}

export async function messageRowsOf(
  stack: TestStack,
  shopId: string,
): Promise<number> {
  const [row] = await stack.db.dataSource.query(
    'SELECT count(*)::int AS n FROM message WHERE shop_id = $1',
    [shopId],
  );
  return row.n;
}

/** A well-formed id that names nothing. */
export function unknownId(): string {
  return randomUUID();
}

export function without<T extends Record<string, unknown>>(
  value: T,
  key: keyof T,
): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = value;
  return rest;
}
