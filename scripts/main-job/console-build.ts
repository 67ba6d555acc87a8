import { execFile } from 'node:child_process';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const CONSOLE_DIR = path.resolve(__dirname, '../../services/console');
const DIST = path.join(CONSOLE_DIR, 'dist');
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'package.json'];

// Vite refuses a second build of the project while one runs (a test run
// and `npm start` at once): wait for it, then look again.
const ANOTHER_BUILD = 'Found another Vite build process';
const LOCK_WAIT_MS = 120_000;

/**
 * Builds the console (`vite build`) when `dist` is missing or older than
 * a source file, so the API serves the current screens (to `npm start`
 * and to the tests). It builds beside `dist` and swaps, so a run started
 * meanwhile never sees half a build. Says whether it had to build.
 */
export async function buildConsoleIfStale(): Promise<boolean> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    if (await isUpToDate()) return false;
    try {
      await build();
      return true;
    } catch (error) {
      const locked = String((error as Error).message).includes(ANOTHER_BUILD);
      if (!locked || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function isUpToDate(): Promise<boolean> {
  const built = await modifiedAt(path.join(DIST, 'index.html'));
  return built !== null && built >= (await newestSource());
}

async function build(): Promise<void> {
  const staging = `${DIST}.build-${process.pid}`;
  // The package exports no bin path; its bin sits beside package.json.
  const vite = path.join(
    path.dirname(
      require.resolve('vite/package.json', { paths: [CONSOLE_DIR] }),
    ),
    'bin/vite.js',
  );
  try {
    await promisify(execFile)(
      process.execPath,
      [
        vite,
        'build',
        '--outDir',
        staging,
        '--emptyOutDir',
        '--logLevel',
        'warn',
      ],
      // Jest runs with NODE_ENV=test, which would make Vite bundle React's
      // development build: the console always ships the production one.
      { cwd: CONSOLE_DIR, env: { ...process.env, NODE_ENV: 'production' } },
    );
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
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
