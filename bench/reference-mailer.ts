/**
 * Reference: a bare pooled nodemailer transport sending messages of a
 * given size to the bench's SMTP server, as many in flight as the e-mail
 * worker's campaign lane. Run as a child process; writes to RESULT_FILE.
 */
import { writeFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { intEnv, parseEnv } from '@optic/runtime';
import { procStatusBytes } from './process-memory';

async function main(): Promise<void> {
  const env = parseEnv(
    {
      SMTP_PORT: intEnv(2525),
      MESSAGES: intEnv(1),
      IN_FLIGHT: intEnv(20),
      MAX_CONNECTIONS: intEnv(5),
      MESSAGE_BYTES: intEnv(4000),
      RESULT_FILE: z.string().min(1),
    },
    process.env,
  );
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: env.MAX_CONNECTIONS,
    host: '127.0.0.1',
    port: env.SMTP_PORT,
    secure: false,
  });
  // Headers take about 600 bytes; the rest is split between the two parts.
  const filler = Math.max(0, env.MESSAGE_BYTES - 600);
  const html = `<p>${'Vos lunettes sont prêtes. '.repeat(Math.ceil((filler * 0.6) / 26))}</p>`;
  const text = 'Vos lunettes sont prêtes. '.repeat(
    Math.ceil((filler * 0.4) / 26),
  );

  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: env.IN_FLIGHT }, async () => {
      while (next < env.MESSAGES) {
        const n = next++;
        await transport.sendMail({
          from: {
            name: 'Optique Bench',
            address: 'contact@optique-bench.test',
          },
          to: `client${n}@example.org`,
          subject: `Vos lunettes sont prêtes (${n})`,
          html,
          text,
        });
      }
    }),
  );
  const elapsedMs = performance.now() - started;

  writeFileSync(
    env.RESULT_FILE,
    JSON.stringify({
      elapsedMs,
      completed: env.MESSAGES,
      peakRssBytes: procStatusBytes(process.pid, 'VmHWM'),
    }),
  );
  transport.close();
}

main().catch((error: Error) => {
  process.stderr.write(`reference-mailer: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
