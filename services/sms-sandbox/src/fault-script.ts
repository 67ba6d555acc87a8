import { z } from 'zod';

/** One scripted outcome for a future send request. */
export const scriptedResponseSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('http'),
    status: z.union([z.literal(500), z.literal(502), z.literal(503)]),
  }),
  z.strictObject({
    type: z.literal('rate-limit'),
    retryAfterSeconds: z.number().int().min(0),
  }),
  z.strictObject({ type: z.literal('timeout') }),
  z.strictObject({ type: z.literal('invalid-number') }),
]);

export const scriptRequestSchema = z.strictObject({
  responses: z.array(scriptedResponseSchema).min(1),
});

export type ScriptedResponse = z.infer<typeof scriptedResponseSchema>;

/** Scripted outcomes, consumed one per send request, oldest first. */
export class FaultScript {
  private queue: ScriptedResponse[] = [];

  append(responses: readonly ScriptedResponse[]): number {
    this.queue.push(...responses);

    return this.queue.length;
  }

  next(): ScriptedResponse | undefined {
    return this.queue.shift();
  }

  get pending(): number {
    return this.queue.length;
  }

  clear(): void {
    this.queue = [];
  }
}
