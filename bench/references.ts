import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import {
  createRedisConnection,
  DEFAULT_RETRY_POLICY,
  MessageProducer,
  queueName,
} from '@optic/queue';
import type { ChildProcesses } from '../scripts/main-job/child-processes';
import { childBaseEnv } from '../scripts/main-job/config';
import type { MailCatcher } from '../scripts/main-job/mail-catcher';
import { deletePrefix } from './redis-keys';

/** The same page size as the campaign fan-out. */
const ADD_BULK_CHUNK = 1000;

export interface ReferenceResult {
  items: number;
  elapsedMs: number;
  perSecond: number;
  peakRssBytes: number | null;
  bytesPerMessage?: number | null;
}

export interface ReferenceContext {
  redis: Redis;
  redisUrl: string;
  /** A prefix of its own: nothing of the product's stack reads it. */
  prefix: string;
  children: ChildProcesses;
  runDir: string;
}

/**
 * `addBulk` of `jobs` delivery jobs in pages of 1,000 with the product's
 * own producer and job options (ids, retention), then a bare no-op worker
 * in a child process, concurrency 50 like the SMS campaign lane, draining
 * them.
 */
export async function queueReferences(
  context: ReferenceContext,
  jobs: number,
): Promise<{ addBulk: ReferenceResult; worker: ReferenceResult }> {
  await deletePrefix(context.redis, context.prefix);
  const connection = createRedisConnection(context.redisUrl, 'worker');
  const producer = new MessageProducer(
    connection,
    context.prefix,
    DEFAULT_RETRY_POLICY,
  );
  const ids = Array.from({ length: jobs }, () => randomUUID());

  const started = performance.now();
  for (let i = 0; i < jobs; i += ADD_BULK_CHUNK) {
    await producer.enqueueMany(
      'sms',
      'campaign',
      ids.slice(i, i + ADD_BULK_CHUNK),
    );
  }
  const addBulkMs = performance.now() - started;
  await producer.close();
  connection.disconnect();

  const worker = await runChild(context, `reference-worker-${jobs}`, {
    entry: 'bench/reference-worker.ts',
    env: {
      REDIS_URL: context.redisUrl,
      QUEUE_PREFIX: context.prefix,
      QUEUE_NAME: queueName('sms', 'campaign'),
      JOBS: String(jobs),
      CONCURRENCY: '50',
    },
  });
  await deletePrefix(context.redis, context.prefix);
  return {
    addBulk: {
      items: jobs,
      elapsedMs: addBulkMs,
      perSecond: (jobs / addBulkMs) * 1000,
      peakRssBytes: null,
    },
    worker,
  };
}

/**
 * A bare pooled nodemailer transport (5 connections, 20 in flight, as the
 * e-mail worker) sending `messages` of about `messageBytes` to the bench's
 * SMTP server.
 */
export async function mailerReference(
  context: ReferenceContext,
  catcher: MailCatcher,
  smtpPort: number,
  messages: number,
  messageBytes: number,
): Promise<ReferenceResult> {
  const before = { received: catcher.received, bytes: catcher.bytes };
  const result = await runChild(context, `reference-mailer-${messages}`, {
    entry: 'bench/reference-mailer.ts',
    env: {
      SMTP_PORT: String(smtpPort),
      MESSAGES: String(messages),
      IN_FLIGHT: '20',
      MAX_CONNECTIONS: '5',
      MESSAGE_BYTES: String(Math.round(messageBytes)),
    },
  });
  const received = catcher.received - before.received;
  return {
    ...result,
    bytesPerMessage:
      received > 0 ? (catcher.bytes - before.bytes) / received : null,
  };
}

async function runChild(
  context: ReferenceContext,
  name: string,
  spec: { entry: string; env: Record<string, string> },
): Promise<ReferenceResult> {
  const resultFile = path.join(context.runDir, `${name}.json`);
  rmSync(resultFile, { force: true });
  const child = context.children.start({
    name,
    entry: spec.entry,
    env: { ...childBaseEnv(), ...spec.env, RESULT_FILE: resultFile },
  });
  const code = await new Promise<number | null>((resolve) =>
    child.once('exit', resolve),
  );
  if (code !== 0)
    throw new Error(
      `${name} exited with ${code}; see ${context.runDir}/logs/${name}.log`,
    );

  const figures = JSON.parse(readFileSync(resultFile, 'utf8')) as {
    elapsedMs: number;
    completed: number;
    peakRssBytes: number | null;
  };
  return {
    items: figures.completed,
    elapsedMs: figures.elapsedMs,
    perSecond: (figures.completed / figures.elapsedMs) * 1000,
    peakRssBytes: figures.peakRssBytes,
  };
}
