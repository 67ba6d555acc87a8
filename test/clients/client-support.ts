import type { TestStack } from '../support/test-stack';

interface Problem {
  status: number;
  data: unknown;
  headers: unknown;
}

/**
 * Checks an RFC 9457 answer: status, media type, code, and exactly these
 * `errors[].path`, each message matching when a pattern is given.
 */
export function expectProblem(
  response: Problem,
  status: number,
  code: string,
  paths: Record<string, RegExp | null | undefined>,
): void {
  const body = response.data as {
    code?: string;
    errors?: { path: string; message: string }[];
  };
  const headers = response.headers as Record<string, unknown>;
  expect({
    status: response.status,
    type: String(headers['content-type']),
    code: body.code,
    paths: (body.errors ?? []).map((e) => e.path).sort(),
  }).toEqual({
    status,
    type: expect.stringMatching(/^application\/problem\+json/),
    code,
    paths: Object.keys(paths).sort(),
  });
  for (const [path, pattern] of Object.entries(paths)) {
    if (!pattern) continue;
    const error = body.errors!.find((e) => e.path === path)!;
    expect(error.message).toMatch(pattern);
  }
}

/** Row counts of every table a client request can write. */
export async function rowCounts(
  stack: TestStack,
): Promise<Record<string, number>> {
  const tables = [
    'client',
    'consent_event',
    'visit',
    'visit_status_event',
    'suppression',
    'suppression_removal',
    'document',
    'message',
    'credit_ledger',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await stack.db.dataSource.query(
      `SELECT count(*)::int AS n FROM ${table}`,
    );
    counts[table] = row.n;
  }
  return counts;
}
