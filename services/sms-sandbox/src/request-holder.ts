import type { Response } from 'express';

/**
 * Responses the sandbox keeps unanswered for a while (latency) or for good
 * (scripted timeouts), so that reset and close can end them.
 */
export class RequestHolder {
  private readonly held = new Map<Response, () => void>();

  /** Leaves the request open until the client gives up or releaseAll. */
  holdOpen(res: Response): void {
    this.track(res, () => undefined);
  }

  /**
   * Resolves true after `ms`, or false when the client left or the sandbox
   * released the request first; then nothing must be written to `res`.
   */
  wait(res: Response, ms: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(true);

    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.held.delete(res);
        resolve(true);
      }, ms);

      this.track(res, () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
  }

  /** Ends every held request by closing its connection. */
  releaseAll(): void {
    const held = [...this.held];

    this.held.clear();

    for (const [res, cancel] of held) {
      cancel();
      res.destroy();
    }
  }

  get size(): number {
    return this.held.size;
  }

  private track(res: Response, cancel: () => void): void {
    this.held.set(res, cancel);

    res.once('close', () => {
      if (this.held.delete(res)) cancel();
    });
  }
}
