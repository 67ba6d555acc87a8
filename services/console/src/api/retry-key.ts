/**
 * An `Idempotency-Key` per request: a request retried after a lost answer
 * carries the same key (the API then answers it once), while any answer
 * ends the key, so a new send, or a launch after buying credit, is new.
 */
export class RetryKey {
  private current: { key: string; request: string } | null = null;

  async run<T>(request: unknown, call: (key: string) => Promise<T>) {
    const key = this.keyFor(JSON.stringify(request));
    try {
      const answer = await call(key);
      this.current = null;
      return answer;
    } catch (error) {
      if ((error as { status?: number }).status !== 0) this.current = null;
      throw error;
    }
  }

  private keyFor(request: string): string {
    if (this.current?.request !== request) {
      this.current = { key: randomKey(), request };
    }
    return this.current.key;
  }
}

// crypto.randomUUID needs a secure context; a shop's LAN address may not be one.
function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
