import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import { waitFor } from './wait-for';
import { freePort } from './worker-process';

export interface PrivateRedisOptions {
  /**
   * Append-only file with `appendfsync always`: every write on disk before
   * Redis answers, so a kill -9 loses nothing. @defaultValue false
   */
  appendOnly?: boolean;
}

/**
 * A `redis-server` of a test's own on a spare loopback port, never the
 * machine's: it can be killed with SIGKILL and started again on the same
 * port and directory, so its append-only file (when on) is read back.
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  private output = '';

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly appendOnly: boolean,
  ) {}

  static async start(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'optic-redis-'));
    const redis = new PrivateRedis(
      await freePort(),
      dir,
      options.appendOnly ?? false,
    );
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) and waits until it answers PING. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('redis-server is already running');
    this.output = '';
    const child = spawn('redis-server', this.arguments(), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer): void => {
      this.output += chunk.toString('utf8');
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.child = child;
    await waitFor(() => this.answers(), {
      timeoutMs: 15_000,
      intervalMs: 50,
      what: `redis-server on port ${this.port}`,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${this.output}`);
    });
  }

  /** SIGKILL, as a crash or an OOM kill would end it; waits for the exit. */
  async kill(): Promise<void> {
    await this.stop('SIGKILL');
  }

  /** Stops the server for good and removes its directory. */
  async close(): Promise<void> {
    await this.stop('SIGKILL');
    await rm(this.dir, { recursive: true, force: true });
  }

  private async stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  private arguments(): string[] {
    return [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--save',
      '',
      '--appendonly',
      this.appendOnly ? 'yes' : 'no',
      '--appendfsync',
      'always',
      '--maxmemory-policy',
      'noeviction',
    ];
  }

  private async answers(): Promise<boolean> {
    const client = new IORedis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }
}
