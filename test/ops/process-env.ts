import { loadConfig as apiConfig } from '../../services/api/src/config';
import { loadConfig as campaignWorkerConfig } from '../../workers/campaign/src/config';
import { loadConfig as emailWorkerConfig } from '../../workers/email/src/config';
import { loadConfig as smsWorkerConfig } from '../../workers/sms/src/config';

export type Env = Record<string, string | undefined>;
type Settings = Readonly<Record<string, unknown>>;

/** A process of the product, as a deployment file starts it. */
export interface ProcessKind {
  /** The file its command runs, which tells deployments' processes apart. */
  entry: string;
  /** Its own configuration schema, applied to an environment. */
  load: (env: Env) => Settings;
  /** The variable giving the port of its /healthz and /readyz. */
  opsPort: 'API_PORT' | 'METRICS_PORT';
}

export const PROCESS_KINDS: readonly ProcessKind[] = [
  { entry: 'services/api/src/main.ts', load: apiConfig, opsPort: 'API_PORT' },
  {
    entry: 'workers/sms/src/main.ts',
    load: smsWorkerConfig,
    opsPort: 'METRICS_PORT',
  },
  {
    entry: 'workers/email/src/main.ts',
    load: emailWorkerConfig,
    opsPort: 'METRICS_PORT',
  },
  {
    entry: 'workers/campaign/src/main.ts',
    load: campaignWorkerConfig,
    opsPort: 'METRICS_PORT',
  },
];

/**
 * Values that differ between processes break the product quietly: other
 * queues, sealed secrets that cannot be opened, unsubscribe links that fail.
 */
export const SHARED_VARIABLES = [
  'QUEUE_PREFIX',
  'REDIS_URL',
  'SECRET_KEY',
  'UNSUBSCRIBE_SECRET',
  'PUBLIC_BASE_URL',
];

/** onShutdown (packages/runtime) exits this long past SHUTDOWN_GRACE_MS. */
const CLOSING_MARGIN_MS = 5_000;

// Defaults made for one developer's machine: a loopback address (inside a
// container or pod it is that container itself), a placeholder secret, the
// sandbox's credentials or a made-up .local domain.
const LOCAL_DEFAULT = /127\.0\.0\.1|localhost|change-me|sandbox|\.local\b/;
const LOOPBACK = /127\.0\.0\.1|localhost/;

/** The process kind whose entry file `command` runs, if any. */
export function processOf(command: readonly string[]): ProcessKind | undefined {
  return PROCESS_KINDS.find((kind) => command.includes(kind.entry));
}

/** The variables of `kind` whose defaults only work on a developer's machine. */
export function localOnlyVariables(kind: ProcessKind): string[] {
  return Object.entries(kind.load({}))
    .filter(([, value]) => typeof value === 'string')
    .filter(([, value]) => LOCAL_DEFAULT.test(String(value)))
    .map(([name]) => name);
}

/**
 * What is wrong with `env` for a deployed process of `kind`: what its
 * schema refuses, and every machine-local default left unset or still
 * pointing at loopback (`loopbackAllowed` names the exceptions).
 */
export function envProblems(
  kind: ProcessKind,
  env: Env,
  loopbackAllowed: readonly string[] = [],
): string[] {
  const problems: string[] = [];
  try {
    kind.load(env);
  } catch (error) {
    problems.push((error as Error).message);
  }

  for (const name of localOnlyVariables(kind)) {
    const value = env[name];
    if (value === undefined) problems.push(`${name} is not set`);
    else if (LOOPBACK.test(value) && !loopbackAllowed.includes(name)) {
      problems.push(`${name} points at the container itself: ${value}`);
    }
  }
  return problems;
}

/** The longest a process of `kind` takes to stop with `env`, in seconds. */
export function shutdownDeadlineSeconds(kind: ProcessKind, env: Env): number {
  const graceMs = kind.load(env).SHUTDOWN_GRACE_MS;
  if (typeof graceMs !== 'number') {
    throw new Error(`${kind.entry} has no SHUTDOWN_GRACE_MS setting`);
  }
  return (graceMs + CLOSING_MARGIN_MS) / 1000;
}

/** The port its settings give to the /readyz of a process of `kind`. */
export function opsPortOf(kind: ProcessKind, env: Env): number {
  return Number(kind.load(env)[kind.opsPort]);
}

/**
 * How many values each shared variable takes across `processes` (those
 * that read it); a consistent deployment sets each to exactly one.
 */
export function sharedValueCounts(
  processes: { kind: ProcessKind; env: Env }[],
): Record<string, number> {
  const settings = processes.map(({ kind, env }) => kind.load(env));
  return Object.fromEntries(
    SHARED_VARIABLES.map((name) => {
      const values = settings
        .map((setting) => setting[name])
        .filter((value) => value !== undefined);
      return [name, new Set(values).size];
    }),
  );
}
