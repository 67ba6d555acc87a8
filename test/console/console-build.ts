import { execFile } from 'node:child_process';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const CONSOLE_DIR = path.resolve(__dirname, '../../services/console');
const DIST = path.join(CONSOLE_DIR, 'dist');
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'package.json'];

/**
 * Builds the console (`vite build`) when `dist` is missing or older than
 * a source file, so the API under test serves the current screens. It
 * builds beside `dist` and swaps, so a run started meanwhile never sees
 * half a build.
 */
export async function buildConsoleIfStale(): Promise<void> {
  const built = await modifiedAt(path.join(DIST, 'index.html'));
  const sources = await newestSource();
  if (built !== null && built >= sources) return;

  const staging = `${DIST}.build-${process.pid}`;
  // The package exports no bin path; its bin sits beside package.json.
  const vite = path.join(
    path.dirname(
      require.resolve('vite/package.json', { paths: [CONSOLE_DIR] }),
    ),
    'bin/vite.js',
  );
  await promisify(execFile)(
    process.execPath,
    [vite, 'build', '--outDir', staging, '--emptyOutDir', '--logLevel', 'warn'],
    { cwd: CONSOLE_DIR },
  );
  const old = `${DIST}.old-${process.pid}`;
  await rename(DIST, old).catch(() => undefined);
  await rename(staging, DIST);
  await rm(old, { recursive: true, force: true });
}

async function newestSource(): Promise<number> {
  const times = await Promise.all(
    SOURCES.map((name) => newestUnder(path.join(CONSOLE_DIR, name))),
  );
  return Math.max(...times);
}

async function newestUnder(file: string): Promise<number> {
  const info = await stat(file);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(file);
  const times = await Promise.all(
    entries.map((entry) => newestUnder(path.join(file, entry))),
  );
  return Math.max(info.mtimeMs, ...times);
}

async function modifiedAt(file: string): Promise<number | null> {
  return stat(file).then(
    (info) => info.mtimeMs,
    () => null,
  );
}
