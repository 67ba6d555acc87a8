import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { Registry } from 'prom-client';
import { parse, parseAllDocuments } from 'yaml';
import { QUEUE_STATES, registerQueueDepth } from '@optic/delivery';
import { FANOUT_QUEUE, QUEUE_LANES, queueName } from '@optic/queue';
import type { QueueChannel } from '@optic/queue';
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

const ROOT = path.resolve(__dirname, '../..');
const K8S = path.join(ROOT, 'infra/k8s');
const CHECKER = path.join(__dirname, 'k8s-manifest-check.ts');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** A Deployment with the process its single container runs. */
interface Workload {
  deployment: IDeployment;
  container: IContainer;
  kind: ProcessKind;
  env: Env;
}

function kustomizationResources(): string[] {
  const text = readFileSync(path.join(K8S, 'kustomization.yaml'), 'utf8');
  return (parse(text) as { resources: string[] }).resources;
}

function loadManifests(): Manifest[] {
  return kustomizationResources().flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(K8S, file), 'utf8')).map(
      (document) => {
        if (document.errors.length > 0) throw document.errors[0];
        return document.toJS() as Manifest;
      },
    ),
  );
}

/** Runs the checker on `manifests`; one list of problems per manifest. */
function checkManifests(manifests: unknown[]): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHECKER], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(output) as string[][])
        : reject(new Error(`the manifest check exited with ${code}`)),
    );
    child.stdin.end(JSON.stringify(manifests));
  });
}

function ofKind<T>(manifests: Manifest[], kind: string): T[] {
  return manifests.filter((m) => m.kind === kind) as unknown as T[];
}

/** The values of each ConfigMap and Secret, by name. */
function envSources(manifests: Manifest[]): Map<string, Env> {
  const sources = new Map<string, Env>();
  for (const m of manifests) {
    if (m.kind === 'ConfigMap') sources.set(m.metadata.name, { ...m.data });
    if (m.kind !== 'Secret') continue;
    const decoded = Object.entries(m.data ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString(),
    ]);
    sources.set(m.metadata.name, {
      ...Object.fromEntries(decoded),
      ...m.stringData,
    });
  }
  return sources;
}

function envVarValue(variable: IEnvVar, sources: Map<string, Env>) {
  const ref =
    variable.valueFrom?.secretKeyRef ?? variable.valueFrom?.configMapKeyRef;
  return ref ? sources.get(ref.name ?? '')?.[ref.key] : variable.value;
}

/** The environment a container gets, as the kubelet builds it. */
function containerEnv(container: IContainer, sources: Map<string, Env>): Env {
  const env: Env = {};
  for (const from of container.envFrom ?? []) {
    const name = from.configMapRef?.name ?? from.secretRef?.name ?? '';
    Object.assign(env, sources.get(name));
  }
  for (const variable of container.env ?? []) {
    env[variable.name] = envVarValue(variable, sources);
  }
  return env;
}

function workloads(manifests: Manifest[]): Workload[] {
  const sources = envSources(manifests);
  return ofKind<IDeployment>(manifests, 'Deployment').map((deployment) => {
    const containers = deployment.spec?.template.spec?.containers ?? [];
    const container = containers[0]!;
    const kind = processOf(container.command ?? []);
    if (containers.length !== 1 || !kind) {
      throw new Error(`${deployment.metadata?.name} runs no known process`);
    }
    return {
      deployment,
      container,
      kind,
      env: containerEnv(container, sources),
    };
  });
}

function name(workload: Workload): string {
  return workload.deployment.metadata?.name ?? '';
}

/** The container port a probe reaches, by name or number. */
function probePort(container: IContainer, probe: IProbe | undefined) {
  const port = probe?.httpGet?.port;
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** The queues each worker takes jobs from, as the code names them. */
function queuesServedBy(kind: ProcessKind): string[] {
  const lanes = (channel: QueueChannel) =>
    QUEUE_LANES.map((lane) => queueName(channel, lane));
  const byEntry: Record<string, string[]> = {
    'workers/sms/src/main.ts': lanes('sms'),
    'workers/email/src/main.ts': lanes('email'),
    'workers/campaign/src/main.ts': [FANOUT_QUEUE],
  };
  return byEntry[kind.entry] ?? [];
}

/** The name of the queue-depth gauge the workers export. */
function queueDepthMetric(): string {
  const registry = new Registry();
  registerQueueDepth(registry, []);
  return registry.getMetricsAsArray()[0]!.name;
}

/**
 * Broken copies the check must refuse: a misspelt probe (dropped without a
 * word by a lax check), a number written as text, a missing required field.
 */
function brokenCopies(manifests: Manifest[]): Manifest[] {
  const copy = (kind: string) =>
    structuredClone(manifests.find((m) => m.kind === kind)) as unknown as {
      spec: {
        template: { spec: { containers: Record<string, unknown>[] } };
        maxReplicas: unknown;
        ports: Record<string, unknown>[];
      };
    };
  const deployment = copy('Deployment');
  const container = deployment.spec.template.spec.containers[0]!;
  container.readinesProbe = container.readinessProbe;
  delete container.readinessProbe;
  const autoscaler = copy('HorizontalPodAutoscaler');
  autoscaler.spec.maxReplicas = 'ten';
  const service = copy('Service');
  delete service.spec.ports[0]!.port;
  return [deployment, autoscaler, service] as unknown as Manifest[];
}

describe('the Kubernetes manifests (infra/k8s)', () => {
  const manifests = loadManifests();
  const deployed = workloads(manifests);
  let problems: string[][];
  let brokenProblems: string[][];

  beforeAll(async () => {
    const broken = brokenCopies(manifests);
    const all = await checkManifests([...manifests, ...broken]);
    problems = all.slice(0, manifests.length);
    brokenProblems = all.slice(manifests.length);
  });

  it('lists every manifest of the folder in its kustomization', () => {
    const files = readdirSync(K8S).filter(
      (file) => file.endsWith('.yaml') && file !== 'kustomization.yaml',
    );

    expect(kustomizationResources().sort()).toEqual(files.sort());
  });

  it('validates against the Kubernetes 1.34 schemas, with no unknown field', () => {
    const invalid = Object.fromEntries(
      manifests
        .map((m, i) => [`${m.kind}/${m.metadata.name}`, problems[i]] as const)
        .filter(([, found]) => found?.length !== 0),
    );

    expect(manifests.length).toBeGreaterThanOrEqual(12);
    expect(invalid).toEqual({});
  });

  it('refuses a misspelt field, a number written as text and a missing required field', () => {
    const [misspelt, asText, missing] = brokenProblems.map((p) => p.join('\n'));

    expect(misspelt).toMatch(/readinesProbe.*does not exist/);
    expect(asText).toMatch(/\/spec\/maxReplicas must be integer/);
    expect(missing).toMatch(/\/spec\/ports\/0 must have port/);
  });

  it('runs the API and each worker as a Deployment of its own', () => {
    const entries = deployed.map((workload) => workload.kind.entry);

    expect(entries.sort()).toEqual(PROCESS_KINDS.map((k) => k.entry).sort());
  });

  it('probes each process on /readyz and /healthz at the port its settings give', () => {
    for (const { container, kind, env } of deployed) {
      const port = opsPortOf(kind, env);

      expect(port).toBeGreaterThan(0);
      expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(probePort(container, container.readinessProbe)).toBe(port);
      expect(probePort(container, container.livenessProbe)).toBe(port);
    }
  });

  it('gives each pod a grace period that covers its shutdown deadline', () => {
    for (const { deployment, container, kind, env } of deployed) {
      const preStop = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
      const needed = preStop + shutdownDeadlineSeconds(kind, env);
      const granted =
        deployment.spec?.template.spec?.terminationGracePeriodSeconds;

      expect(granted).toBeGreaterThanOrEqual(needed);
      expect(granted).toBeLessThanOrEqual(needed + 10);
    }
  });

  it('sets every variable whose default only works on a developer machine', () => {
    const found = Object.fromEntries(
      deployed.map((w) => [name(w), envProblems(w.kind, w.env)]),
    );

    expect(found).toEqual(
      Object.fromEntries(deployed.map((w) => [name(w), []])),
    );
    expect(sharedValueCounts(deployed)).toEqual(
      Object.fromEntries(SHARED_VARIABLES.map((variable) => [variable, 1])),
    );
  });

  it('migrates with a Job that reaches the database the API uses at start', () => {
    const sources = envSources(manifests);
    const [job] = ofKind<IJob>(manifests, 'Job');
    const container = job?.spec?.template.spec?.containers[0];
    const api = deployed.find((w) => w.kind.opsPort === 'API_PORT');

    expect(container?.command).toContain('scripts/migrate.ts');
    expect(containerEnv(container!, sources).DATABASE_URL).toBe(
      api?.env.DATABASE_URL,
    );
  });

  it('scales each worker on the waiting jobs of exactly the queues it serves', () => {
    const autoscalers = ofKind<IHorizontalPodAutoscaler>(
      manifests,
      'HorizontalPodAutoscaler',
    );
    const workers = deployed.filter((w) => w.kind.opsPort === 'METRICS_PORT');

    expect(QUEUE_STATES).toContain('waiting');
    for (const worker of workers) {
      const autoscaler = autoscalers.find(
        (a) => a.spec?.scaleTargetRef.name === name(worker),
      );
      const metrics = autoscaler?.spec?.metrics ?? [];
      const selected = metrics.map((m) => ({
        type: m.type,
        name: m.external?.metric.name,
        labels: m.external?.metric.selector?.matchLabels,
      }));

      expect(autoscaler?.spec?.minReplicas).toBeGreaterThanOrEqual(2);
      expect(worker.deployment.spec?.replicas).toBeUndefined();
      expect(selected).toEqual(
        queuesServedBy(worker.kind).map((queue) => ({
          type: 'External',
          name: queueDepthMetric(),
          labels: { queue, state: 'waiting' },
        })),
      );
    }
  });
});
