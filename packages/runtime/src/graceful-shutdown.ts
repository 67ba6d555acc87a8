import type { Server } from 'node:http';
import type { Logger } from '@optic/domain';

/** Time allowed past the grace period to close connections. */
const CLOSING_MARGIN_MS = 5_000;

export interface ShutdownOptions {
  /**
   * How long `close` lets work in progress run before handing it back;
   * the process gives up on a clean exit this plus five seconds later.
   * @defaultValue 20000
   */
  graceMs?: number;
}

/**
 * On SIGTERM or SIGINT, runs `close` once, then exits 0. `close` is
 * expected to bound its own wait by the grace period; if it still has not
 * finished five seconds past it (a connection that never closes), the
 * process exits 1 rather than outlive its orchestrator's patience.
 */
export function onShutdown(
  close: () => Promise<void>,
  logger: Logger,
  options: ShutdownOptions = {},
): void {
  const limitMs = (options.graceMs ?? 20_000) + CLOSING_MARGIN_MS;
  let closing = false;

  const handle = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.info('shutting down', { signal });

    const timer = setTimeout(() => {
      logger.error('shutdown took too long, exiting', { limitMs });
      process.exit(1);
    }, limitMs);
    timer.unref();

    close().then(
      () => {
        logger.info('shut down cleanly', { signal });
        process.exit(0);
      },
      (error: Error) => {
        logger.error('shutdown failed', { error: error.message });
        process.exit(1);
      },
    );
  };

  process.on('SIGTERM', () => handle('SIGTERM'));
  process.on('SIGINT', () => handle('SIGINT'));
}

/** An HTTP server that can stop without dropping requests in progress. */
export interface DrainableServer {
  /**
   * Stops accepting connections, lets requests in progress finish, then
   * resolves true; after `graceMs` cuts what remains and resolves false.
   */
  drain(graceMs: number): Promise<boolean>;
}

/**
 * Wraps a listening server for a graceful stop. Call it at start: it must
 * see every request to close each keep-alive connection as soon as its
 * request is answered, which Node's `close` would otherwise keep open for
 * the whole keep-alive timeout.
 */
export function drainable(server: Server): DrainableServer {
  let draining = false;
  server.on('request', (_req, res) => {
    res.once('close', () => {
      // Node marks the socket idle only after this event's listeners.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });

  return {
    drain: (graceMs) => {
      draining = true;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          server.closeAllConnections();
          resolve(false);
        }, graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve(true);
        });
        server.closeIdleConnections();
      });
    },
  };
}
