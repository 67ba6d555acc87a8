import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

const ENTRIES = {
  api: 'services/api/src/main.ts',
  'worker-sms': 'workers/sms/src/main.ts',
  'worker-email': 'workers/email/src/main.ts',
  'worker-campaign': 'workers/campaign/src/main.ts',
} as const;

type Entry = keyof typeof ENTRIES;

interface Ended {
  code: number | null;
  stderr: string;
}

/** Runs a process's real entry point with `env` and waits for it to end. */
function runEntry(entry: Entry, env: Record<string, string>): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRIES[entry]], {
      cwd: ROOT,
      // Only what the test gives, plus PATH: nothing of the developer's own.
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

/** A Node stack frame: what an operator must never be handed for a typo. */
const STACK_FRAME = /^\s+at .+\(.+:\d+:\d+\)$/m;

describe('a process started with a wrong environment', () => {
  it.each(Object.keys(ENTRIES) as Entry[])(
    '%s exits 1 on REDIS_URL=nonsense, naming the variable and its form, without a stack trace',
    async (entry) => {
      const ended = await runEntry(entry, { REDIS_URL: 'nonsense' });

      expect(ended.code).toBe(1);
      expect(ended.stderr).toContain('REDIS_URL');
      expect(ended.stderr).toContain('redis://');
      expect(ended.stderr).not.toMatch(STACK_FRAME);
    },
    60_000,
  );

  it.each([
    ['worker-sms', 'SMS_CAMPAIGN_CONCURRENCY', 'many'],
    ['worker-email', 'SECRET_KEY', 'too-short'],
    ['api', 'DATABASE_URL', 'mysql://127.0.0.1/optic'],
  ] as [Entry, string, string][])(
    '%s exits 1 on a wrong %s, naming it',
    async (entry, variable, value) => {
      const ended = await runEntry(entry, { [variable]: value });

      expect(ended.code).toBe(1);
      expect(ended.stderr).toContain(variable);
      expect(ended.stderr).not.toMatch(STACK_FRAME);
    },
    60_000,
  );

  it('the worker says which service it could not reach when Redis does not answer', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused.
    const ended = await runEntry('worker-sms', {
      REDIS_URL: 'redis://127.0.0.1:1',
    });

    expect(ended.code).toBe(1);
    expect(ended.stderr).toMatch(/redis/i);
    expect(ended.stderr).toContain('127.0.0.1:1');
    expect(ended.stderr).not.toMatch(STACK_FRAME);
  }, 60_000);
});
