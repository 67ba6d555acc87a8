import type { Logger } from '@optic/domain';

import { ConfigError, loadConfig } from './config';
import type { SmsSandboxProcessConfig } from './config';
import { createPinoLogger } from './pino-logger';
import { createSmsSandbox } from './sms-sandbox';
import type { SmsSandbox } from './sms-sandbox';

// The sandbox must never be reachable from another machine.

async function main(): Promise<void> {
  const config = readConfigOrExit();

  if (config === null) return;

  const logger = createPinoLogger(config.logLevel);
  const sandbox = createSmsSandbox({
    login: config.login,
    apiKey: config.apiKey,
    logger,
    defaults: {
      receipts: {
        enabled: config.receiptsUrl !== null,
        webhookUrl: config.receiptsUrl,
        delayMs: config.receiptDelayMs,
      },
    },
  });

  await sandbox.listen(config.port, config.host);
  stopOnSignals(sandbox, logger);
}

function readConfigOrExit(): Readonly<SmsSandboxProcessConfig> | null {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;

    // A configuration mistake needs the sentence, not a stack trace.
    process.stderr.write(`sms-sandbox: ${error.message}\n`);
    process.exitCode = 1;

    return null;
  }
}

function stopOnSignals(sandbox: SmsSandbox, logger: Logger): void {
  const stop = (signal: NodeJS.Signals) => {
    logger.info('sms sandbox stopping', { signal });
    sandbox.close().then(
      () => undefined,
      (error: unknown) => {
        logger.error('sms sandbox failed to close', { error: String(error) });
        process.exitCode = 1;
      },
    );
  };

  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`sms-sandbox: ${String(error)}\n`);
  process.exitCode = 1;
});
