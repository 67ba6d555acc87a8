import axios from 'axios';
import { startTcpProxy } from '../support/tcp-proxy';
import type { CutMode, TcpProxy } from '../support/tcp-proxy';
import { TEST_POSTGRES_URL } from '../support/test-env';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';
import { spawnWorker } from '../support/worker-process';
import type { WorkerProcess } from '../support/worker-process';

interface Readiness {
  status: number;
  checks: Record<string, boolean>;
}

async function readiness(baseUrl: string): Promise<Readiness> {
  const answer = await axios.get(`${baseUrl}/readyz`, {
    validateStatus: () => true,
    // A hung probe fails the test instead of waiting for jest's timeout.
    timeout: 10_000,
  });
  return { status: answer.status, checks: answer.data.checks };
}

describe('/readyz while the connection to Postgres is cut', () => {
  let proxy: TcpProxy;
  let stack: TestStack;
  let worker: WorkerProcess;

  beforeAll(async () => {
    const postgres = new URL(TEST_POSTGRES_URL);
    proxy = await startTcpProxy({
      host: postgres.hostname,
      port: Number(postgres.port || 5432),
    });
    stack = await startTestStack({ workers: false, databaseAddress: proxy });
    worker = await spawnWorker(stack, 'sms', {
      ops: true,
      env: { DATABASE_URL: stack.databaseUrl, LOG_LEVEL: 'warn' },
    });
    await worker.started();
  });

  afterAll(async () => {
    await proxy?.restore();
    await worker?.kill('SIGTERM');
    await stack?.close();
    await proxy?.close();
  });

  it.each<{ mode: CutMode; how: string }>([
    { mode: 'refuse', how: 'refused' },
    { mode: 'blackhole', how: 'never answered' },
  ])(
    'fails on the API and on a worker process while new connections are $how, and recovers when they return',
    async ({ mode }) => {
      const workerUrl = worker.opsUrl!;
      const ready = { status: 200, checks: { postgres: true, redis: true } };
      const postgresDown = {
        status: 503,
        checks: { postgres: false, redis: true },
      };
      expect(await readiness(stack.apiUrl)).toEqual(ready);
      expect(await readiness(workerUrl)).toEqual(ready);

      await proxy.cut(mode);
      const duringCut = [
        await readiness(stack.apiUrl),
        await readiness(workerUrl),
      ];
      await proxy.restore();

      expect(duringCut).toEqual([postgresDown, postgresDown]);
      for (const url of [stack.apiUrl, workerUrl]) {
        await waitFor(async () => (await readiness(url)).status === 200, {
          timeoutMs: 15_000,
          what: `${url}/readyz to recover`,
        });
      }
      expect(await readiness(stack.apiUrl)).toEqual(ready);
      expect(await readiness(workerUrl)).toEqual(ready);
    },
    60_000,
  );
});
