/**
 * Reference: a bare BullMQ worker that does nothing, draining jobs that
 * are already waiting. Run as a child process by the bench; writes its
 * figures to RESULT_FILE.
 */
import { writeFileSync } from 'node:fs';
import { Worker } from 'bullmq';
import { z } from 'zod';
import { commonEnv, intEnv, parseEnv } from '@optic/runtime';
import { createRedisConnection } from '@optic/queue';
import { procStatusBytes } from './process-memory';

async function main(): Promise<void> {
  const env = parseEnv(
    {
      REDIS_URL: commonEnv.REDIS_URL,
      QUEUE_PREFIX: commonEnv.QUEUE_PREFIX,
      QUEUE_NAME: z.string().min(1),
      JOBS: intEnv(1),
      CONCURRENCY: intEnv(50),
      RESULT_FILE: z.string().min(1),
    },
    process.env,
  );
  const connection = createRedisConnection(env.REDIS_URL, 'worker');
  let completed = 0;
  let finish: () => void = () => undefined;
  const drained = new Promise<void>((resolve) => (finish = resolve));

  const started = performance.now();
  const worker = new Worker(env.QUEUE_NAME, async () => undefined, {
    connection,
    prefix: env.QUEUE_PREFIX,
    concurrency: env.CONCURRENCY,
  });
  worker.on('completed', () => {
    completed += 1;
    if (completed === env.JOBS) finish();
  });
  await drained;
  const elapsedMs = performance.now() - started;

  writeFileSync(
    env.RESULT_FILE,
    JSON.stringify({
      elapsedMs,
      completed,
      peakRssBytes: procStatusBytes(process.pid, 'VmHWM'),
    }),
  );
  await worker.close();
  connection.disconnect();
}

main().catch((error: Error) => {
  process.stderr.write(`reference-worker: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
