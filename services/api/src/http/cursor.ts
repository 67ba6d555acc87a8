import { ApiProblem } from './problem';

/** An opaque page cursor: the sort key of the last row returned. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString(
    'base64url',
  );
}

export function decodeCursor(
  cursor: string | undefined,
): { queuedAt: Date; id: string } | null {
  if (!cursor) return null;
  try {
    const [at, id] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString(),
    ) as [string, string];
    const queuedAt = new Date(at);
    if (Number.isNaN(queuedAt.getTime()) || typeof id !== 'string')
      throw new Error('bad cursor');
    return { queuedAt, id };
  } catch {
    throw ApiProblem.validation([
      { path: 'cursor', message: 'not a cursor returned by this API' },
    ]);
  }
}
