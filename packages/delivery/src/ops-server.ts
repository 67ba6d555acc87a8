import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** Where a worker serves `/metrics`, `/healthz` and `/readyz`. */
export interface OpsServerSettings {
  /** `0` takes a free port (tests); turning the server off is the caller's. */
  port: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
}

/** Readiness checks: each resolves true when its dependency answers. */
export type ReadinessChecks = Record<string, () => Promise<boolean>>;

export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * A small HTTP server for a worker process: `/healthz` (the process
 * answers), `/readyz` (every check passes, 503 otherwise) and `/metrics`
 * (Prometheus text format). Nothing else; no request body is read.
 */
export async function startOpsServer(
  settings: OpsServerSettings,
  registry: Registry,
  checks: ReadinessChecks,
): Promise<OpsServer> {
  const server = createServer((req, res) => {
    answer(req.url ?? '', registry, checks).then(
      ({ status, type, body }) => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      },
      () => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('error\n');
      },
    );
  });
  await listen(server, settings);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${settings.host ?? '127.0.0.1'}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface Answer {
  status: number;
  type: string;
  body: string;
}

async function answer(
  url: string,
  registry: Registry,
  checks: ReadinessChecks,
): Promise<Answer> {
  const path = url.split('?')[0];
  if (path === '/healthz') return json(200, { status: 'ok' });
  if (path === '/readyz') return readiness(checks);
  if (path === '/metrics') {
    return {
      status: 200,
      type: registry.contentType,
      body: await registry.metrics(),
    };
  }
  return json(404, { status: 'not_found' });
}

async function readiness(checks: ReadinessChecks): Promise<Answer> {
  const results: Record<string, boolean> = {};
  for (const [name, check] of Object.entries(checks)) {
    results[name] = await probe(check);
  }
  const ready = Object.values(results).every(Boolean);
  return json(ready ? 200 : 503, {
    status: ready ? 'ready' : 'not_ready',
    checks: results,
  });
}

/** A check that throws or takes over two seconds counts as failed. */
export async function probe(check: () => Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), 2000);
  });
  try {
    return await Promise.race([check(), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function json(status: number, body: unknown): Answer {
  return { status, type: 'application/json', body: JSON.stringify(body) };
}

function listen(server: Server, settings: OpsServerSettings): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host ?? '127.0.0.1', () => resolve());
  });
}
