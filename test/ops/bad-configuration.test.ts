import { spawn } from 'node:child_process';
import path from 'node:path';
import { loadConfig as apiConfig } from '../../services/api/src/config';
import { loadConfig as emailWorkerConfig } from '../../workers/email/src/config';

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

  it('refuses a DATABASE_URL that is not PostgreSQL’s, saying which form it wants', async () => {
    const ended = await runEntry('worker-campaign', {
      DATABASE_URL: 'mysql://x',
    });

    expect(ended.code).toBe(1);
    expect(ended.stderr).toMatch(
      /DATABASE_URL: a postgres:\/\/ or postgresql:\/\/ URL/,
    );
  }, 60_000);

  it.each([
    ['worker-email', 'SECRET_KEY', 'aGVsbG8='],
    ['api', 'OCTOPUSH_WEBHOOK_TOKEN', 'sh0rt-T0ken'],
    ['worker-email', 'UNSUBSCRIBE_SECRET', 'Unsub-S3cret'],
    [
      'api',
      'DATABASE_URL',
      'postgres://admin:Pg5ecretW0rd@127.0.0.1:notaport/db',
    ],
    ['worker-sms', 'REDIS_URL', 'redis://:R3disPw@127.0.0.1:1'],
    ['worker-sms', 'REDIS_URL', 'redis://ops:R3disPw@127.0.0.1:1'],
  ] as [Entry, string, string][])(
    '%s names a bad %s without printing its secret',
    async (entry, variable, value) => {
      const ended = await runEntry(entry, { [variable]: value });

      expect(ended.code).toBe(1);
      expect(ended.stderr).toContain(variable);
      for (const secret of [
        'aGVsbG8=',
        'sh0rt-T0ken',
        'Unsub-S3cret',
        'Pg5ecretW0rd',
        'R3disPw',
      ]) {
        expect(ended.stderr).not.toContain(secret);
      }
      expect(ended.stderr).not.toMatch(STACK_FRAME);
    },
    60_000,
  );

  it('shows where it looked for Redis with the password masked', async () => {
    const ended = await runEntry('worker-campaign', {
      REDIS_URL: 'redis://:R3disPw@127.0.0.1:1',
    });

    expect(ended.code).toBe(1);
    expect(ended.stderr).toContain('redis://:***@127.0.0.1:1');
  }, 60_000);

  it('reports credentials Redis refuses as such, naming REDIS_URL', async () => {
    // The local Redis has no such user: it answers AUTH with WRONGPASS.
    const ended = await runEntry('worker-campaign', {
      REDIS_URL: 'redis://no_such_user_optic:R3disPw@127.0.0.1:6379',
    });

    expect(ended.code).toBe(1);
    expect(ended.stderr).toMatch(/refused the credentials.*WRONGPASS/);
    expect(ended.stderr).toContain('REDIS_URL');
    expect(ended.stderr).not.toContain('R3disPw');
  }, 60_000);

  it('reports a login PostgreSQL refuses as an authentication failure, not as an outage', async () => {
    // The local server (trust auth) knows no such role: a FATAL of class 28.
    const ended = await runEntry('worker-campaign', {
      DATABASE_URL:
        'postgres://no_such_role_optic:R0lePassw0rd@127.0.0.1:5432/optic_comm',
    });

    expect(ended.code).toBe(1);
    expect(ended.stderr).toMatch(/refused the authentication/);
    expect(ended.stderr).toContain('DATABASE_URL');
    expect(ended.stderr).toContain('no_such_role_optic:***@127.0.0.1:5432');
    expect(ended.stderr).not.toMatch(/unreachable|pg_ctlcluster/);
    expect(ended.stderr).not.toContain('R0lePassw0rd');
  }, 60_000);
});

describe('a process started in production with placeholder secrets', () => {
  const LOCAL_DEFAULTS = [
    'local-webhook-token-change-me',
    'local-unsubscribe-secret-change-me',
  ];

  it.each([
    ['api', ['OCTOPUSH_WEBHOOK_TOKEN', 'UNSUBSCRIBE_SECRET']],
    ['worker-email', ['UNSUBSCRIBE_SECRET']],
  ] as [Entry, string[]][])(
    '%s refuses to start with the defaults, naming each',
    async (entry, variables) => {
      const ended = await runEntry(entry, { NODE_ENV: 'production' });

      expect(ended.code).toBe(1);
      for (const variable of variables) {
        expect(ended.stderr).toContain(
          `${variable}: required in production: its default is a public placeholder`,
        );
      }
      expect(ended.stderr).not.toMatch(STACK_FRAME);
    },
    60_000,
  );

  it.each([
    ['OCTOPUSH_WEBHOOK_TOKEN', 'local-webhook-token-change-me'],
    ['OCTOPUSH_WEBHOOK_TOKEN', 'replace-me-openssl-rand-hex-16'],
    ['UNSUBSCRIBE_SECRET', 'local-unsubscribe-secret-change-me'],
  ])(
    'the API refuses %s set to the placeholder %s, without printing it',
    async (variable, value) => {
      const ended = await runEntry('api', {
        NODE_ENV: 'production',
        OCTOPUSH_WEBHOOK_TOKEN: '8c1f0e2d9b7a6c5e4f3a2b1c0d9e8f7a',
        UNSUBSCRIBE_SECRET: '5d2e8f1a7c3b9e4d6a0f2c8b1e7d3a9f',
        [variable]: value,
      });

      expect(ended.code).toBe(1);
      expect(ended.stderr).toContain(
        `${variable}: still a placeholder in production`,
      );
      expect(ended.stderr).not.toContain(value);
    },
    60_000,
  );

  it('accepts random secrets of the right length in production', () => {
    const secrets = {
      NODE_ENV: 'production',
      OCTOPUSH_WEBHOOK_TOKEN: '8c1f0e2d9b7a6c5e4f3a2b1c0d9e8f7a',
      UNSUBSCRIBE_SECRET: '5d2e8f1a7c3b9e4d6a0f2c8b1e7d3a9f',
    };

    expect(apiConfig(secrets).OCTOPUSH_WEBHOOK_TOKEN).toBe(
      secrets.OCTOPUSH_WEBHOOK_TOKEN,
    );
    expect(emailWorkerConfig(secrets).UNSUBSCRIBE_SECRET).toBe(
      secrets.UNSUBSCRIBE_SECRET,
    );
  });

  it('keeps the local defaults outside production', () => {
    expect([
      apiConfig({}).OCTOPUSH_WEBHOOK_TOKEN,
      apiConfig({}).UNSUBSCRIBE_SECRET,
    ]).toEqual(LOCAL_DEFAULTS);
  });
});
