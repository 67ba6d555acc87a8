import { z } from 'zod';
import { commonEnv, intEnv, parseEnv } from '@optic/runtime';

/** The benchmark's settings: where the services are, and the sizes. */
export function loadBenchConfig(
  env: Record<string, string | undefined> = process.env,
) {
  return parseEnv(
    {
      // The server's maintenance database; the bench creates its own next to it.
      BENCH_POSTGRES_URL: z
        .string()
        .url()
        .default('postgres://postgres@127.0.0.1:5432/postgres'),
      REDIS_URL: commonEnv.REDIS_URL,
      BENCH_SMS_RECIPIENTS: intEnv(100_000),
      BENCH_SMS_SMALL_RECIPIENTS: intEnv(10_000),
      BENCH_EMAIL_RECIPIENTS: intEnv(20_000),
      // Counter sends made while the large SMS campaign runs, and their spacing.
      BENCH_COUNTER_SENDS: intEnv(8),
      BENCH_COUNTER_INTERVAL_MS: intEnv(4000),
      // A campaign still going after this long is reported as it stands.
      BENCH_PHASE_TIMEOUT_S: intEnv(1200),
      // The e-mail campaign of `--profile` (with the small SMS one).
      BENCH_PROFILE_EMAIL_RECIPIENTS: intEnv(2000),
      // The product's default level: the workers log every send at info.
      BENCH_LOG_LEVEL: commonEnv.LOG_LEVEL,
      BENCH_DATA_DIR: z.string().min(1).default('.data/bench'),
    },
    env,
  );
}

export type BenchConfig = ReturnType<typeof loadBenchConfig>;

/** Command-line switches of `npm run bench -- …`. */
export interface BenchArgs {
  /** The small SMS campaign and a small e-mail one, with CPU profiles. */
  profile: boolean;
}

export function parseArgs(argv: string[]): BenchArgs {
  const unknown = argv.filter((a) => a !== '--profile');
  if (unknown.length > 0)
    throw new Error(`unknown argument(s): ${unknown.join(' ')}; try --profile`);
  return { profile: argv.includes('--profile') };
}
