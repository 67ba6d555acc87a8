import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

export interface ChildSpec {
  name: string;
  entry: string;
  env: Record<string, string>;
  /** Node flags before the entry, e.g. `--cpu-prof`. @defaultValue [] */
  nodeArgs?: string[];
}

/** The processes of the stack, each logging to its own file. */
export class ChildProcesses {
  private readonly children: { name: string; process: ChildProcess }[] = [];

  constructor(private readonly logDir: string) {
    mkdirSync(logDir, { recursive: true });
  }

  /** Spawns `node --import tsx <entry>`; returns the child (its pid). */
  start(spec: ChildSpec): ChildProcess {
    const log = createWriteStream(path.join(this.logDir, `${spec.name}.log`), {
      flags: 'a',
    });
    const args = [...(spec.nodeArgs ?? []), '--import', 'tsx', spec.entry];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    child.once('exit', (code, signal) => {
      if (code !== 0 && signal === null && !this.stopping) {
        process.stderr.write(
          `\n${spec.name} exited with code ${code}; see ${this.logDir}/${spec.name}.log\n`,
        );
      }
    });
    this.children.push({ name: spec.name, process: child });
    return child;
  }

  private stopping = false;

  /** SIGTERM to every child, then waits for all of them to exit. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.children.map(({ process: child }) => {
        if (child.exitCode !== null || child.signalCode !== null)
          return Promise.resolve();
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        return exited;
      }),
    );
  }

  /**
   * SIGKILL to every child still running, synchronously: the last resort
   * of a parent that is exiting without having stopped them.
   */
  killNow(): void {
    for (const { process: child } of this.children) {
      if (child.exitCode === null && child.signalCode === null)
        child.kill('SIGKILL');
    }
  }

  /** Names of children that have already died (exited or killed by a signal). */
  dead(): string[] {
    return this.children
      .filter(
        (c) => c.process.exitCode !== null || c.process.signalCode !== null,
      )
      .map((c) => c.name);
  }
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address ? address.port : 0),
      );
    });
  });
}
