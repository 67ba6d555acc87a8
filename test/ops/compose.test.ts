import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { parseConfig as sandboxConfig } from '../../services/sms-sandbox/src/config';
import {
  envProblems,
  opsPortOf,
  PROCESS_KINDS,
  processOf,
  SHARED_VARIABLES,
  sharedValueCounts,
  shutdownDeadlineSeconds,
} from './process-env';
import type { Env, ProcessKind } from './process-env';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');

interface Service {
  image?: string;
  command?: string[];
  environment?: Env;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  stop_grace_period?: string;
}

interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

/** A service that runs one of the product's processes. */
interface AppService {
  name: string;
  service: Service;
  kind: ProcessKind;
  env: Env;
}

/** The file as Compose resolves it: anchors merged, values normalised. */
async function resolvedCompose(): Promise<Compose> {
  const { stdout } = await run('docker-compose', [
    '-f',
    COMPOSE_FILE,
    'config',
  ]);
  return parse(stdout) as Compose;
}

function appServices(compose: Compose): AppService[] {
  return Object.entries(compose.services).flatMap(([name, service]) => {
    const kind = processOf(service.command ?? []);
    const env = service.environment ?? {};
    return kind ? [{ name, service, kind, env }] : [];
  });
}

/** `30s`, `1m30s` → seconds. */
function durationSeconds(duration: string | undefined): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1 };
  let seconds = 0;
  for (const [, amount, unit] of (duration ?? '').matchAll(/(\d+)([hms])/g)) {
    seconds += Number(amount) * units[unit!]!;
  }
  return seconds;
}

describe('docker-compose.yml', () => {
  let compose: Compose;
  let apps: AppService[];
  const service = (name: string): Service => compose.services[name] ?? {};
  const app = (entry: string) => apps.find((a) => a.kind.entry === entry);

  beforeAll(async () => {
    compose = await resolvedCompose();
    apps = appServices(compose);
  });

  it('passes `docker-compose config -q`', async () => {
    const { stdout, stderr } = await run('docker-compose', [
      '-f',
      COMPOSE_FILE,
      'config',
      '-q',
    ]);

    expect(stdout + stderr).toBe('');
  });

  it('fails `docker-compose config -q` on a copy with a misspelt option', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'optic-compose-'));
    const text = await readFile(COMPOSE_FILE, 'utf8');
    await writeFile(
      path.join(dir, 'docker-compose.yml'),
      text.replace('    healthcheck: *worker-healthcheck', '    healtcheck: x'),
    );

    try {
      const outcome = run('docker-compose', ['config', '-q'], { cwd: dir });

      await expect(outcome).rejects.toMatchObject({
        stderr: expect.stringMatching(
          /Unsupported config option .*'healtcheck'/,
        ),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs PostgreSQL, Redis, the migrations, the API, each worker, the SMS sandbox and a mail catcher', () => {
    const entries = apps.map((a) => a.kind.entry);

    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'api',
        'mailcatcher',
        'migrate',
        'postgres',
        'redis',
        'sms-sandbox',
        'worker-campaign',
        'worker-email',
        'worker-sms',
      ].sort(),
    );
    expect(entries.sort()).toEqual(PROCESS_KINDS.map((k) => k.entry).sort());
    expect(service('migrate').command).toContain('scripts/migrate.ts');
  });

  it('keeps Redis from evicting keys and persists it (AOF) to a volume', () => {
    const redis = service('redis');
    const flags = (redis.command ?? []).join(' ');
    const dataVolume = (redis.volumes ?? []).find((v) =>
      /^[\w-]+:\/data(:rw)?$/.test(v),
    );

    expect(flags).toMatch(/--maxmemory-policy noeviction\b/);
    expect(flags).toMatch(/--appendonly yes\b/);
    expect(Object.keys(compose.volumes)).toContain(dataVolume?.split(':')[0]);
  });

  it('checks the API and every worker on /readyz at the port their settings give', () => {
    for (const { service: s, kind, env } of apps) {
      const url = `http://127.0.0.1:${opsPortOf(kind, env)}/readyz`;

      expect(opsPortOf(kind, env)).toBeGreaterThan(0);
      expect(s.healthcheck?.test.join(' ')).toContain(url);
    }
  });

  it('runs two replicas or more of each worker', () => {
    const workers = apps.filter((a) => a.kind.opsPort === 'METRICS_PORT');

    expect(workers).toHaveLength(3);
    for (const worker of workers) {
      expect(worker.service.deploy?.replicas).toBeGreaterThanOrEqual(2);
    }
  });

  it('starts the API and workers once the migrations have succeeded', () => {
    for (const { service: s } of apps) {
      expect(s.depends_on?.migrate?.condition).toBe(
        'service_completed_successfully',
      );
      expect(s.depends_on?.redis?.condition).toBe('service_healthy');
    }
    expect(service('migrate').depends_on?.postgres?.condition).toBe(
      'service_healthy',
    );
  });

  it('gives each process more time to stop than its own shutdown deadline', () => {
    for (const { service: s, kind, env } of apps) {
      expect(durationSeconds(s.stop_grace_period)).toBeGreaterThan(
        shutdownDeadlineSeconds(kind, env),
      );
    }
  });

  // The API is published on the host's loopback, so its public address is too.
  it('sets every variable whose default only works on a developer machine', () => {
    const found = Object.fromEntries(
      apps.map((a) => [
        a.name,
        envProblems(a.kind, a.env, ['PUBLIC_BASE_URL']),
      ]),
    );

    expect(found).toEqual(Object.fromEntries(apps.map((a) => [a.name, []])));
    expect(sharedValueCounts(apps)).toEqual(
      Object.fromEntries(SHARED_VARIABLES.map((variable) => [variable, 1])),
    );
  });

  it('points the workers at the sandbox and the mail catcher, and the sandbox back at the API', () => {
    const sandbox = sandboxConfig(service('sms-sandbox').environment ?? {});
    const sms = app('workers/sms/src/main.ts')?.env ?? {};
    const email = app('workers/email/src/main.ts')?.env ?? {};
    const api = app('services/api/src/main.ts')?.env ?? {};
    const receipts = new URL(sandbox.receiptsUrl ?? '');

    expect(sandbox.host).toBe('0.0.0.0');
    expect(sms.OCTOPUSH_URL).toBe(`http://sms-sandbox:${sandbox.port}`);
    expect([sms.OCTOPUSH_LOGIN, sms.OCTOPUSH_API_KEY]).toEqual([
      sandbox.login,
      sandbox.apiKey,
    ]);
    expect(email.SMTP_HOST).toBe('mailcatcher');
    expect(receipts.host).toBe(`api:${api.API_PORT}`);
    expect(receipts.searchParams.get('token')).toBe(api.OCTOPUSH_WEBHOOK_TOKEN);
  });
});
