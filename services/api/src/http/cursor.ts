import { z } from 'zod';
import { ApiProblem } from './problem';

// What encodeCursor writes. Anything else would reach SQL as a bad uuid or
// an out-of-range timestamp and fail there as a 500.
const cursorShape = z.tuple([z.iso.datetime(), z.uuid()]);

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
    const [at, id] = cursorShape.parse(
      JSON.parse(Buffer.from(cursor, 'base64url').toString()),
    );
    return { queuedAt: new Date(at), id };
  } catch {
    throw ApiProblem.validation([
      { path: 'cursor', message: 'not a cursor returned by this API' },
    ]);
  }
}
