import type { Logger } from '@optic/domain';

/**
 * On SIGTERM or SIGINT, runs `close` once, then exits 0; exits 1 if closing
 * takes longer than `timeoutMs` (in-flight jobs are then returned to the
 * queue by BullMQ's stalled-job check and picked up elsewhere).
 */
export function onShutdown(
  close: () => Promise<void>,
  logger: Logger,
  timeoutMs = 25_000,
): void {
  let closing = false;

  const handle = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.info('shutting down', { signal });

    const timer = setTimeout(() => {
      logger.error('shutdown took too long, exiting', { timeoutMs });
      process.exit(1);
    }, timeoutMs);
    timer.unref();

    close().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error('shutdown failed', { error: error.message });
        process.exit(1);
      },
    );
  };

  process.on('SIGTERM', () => handle('SIGTERM'));
  process.on('SIGINT', () => handle('SIGINT'));
}
