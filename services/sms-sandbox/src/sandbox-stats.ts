/** Counters of `GET /_sandbox/stats`, over send requests only. */
export interface SandboxStatsSnapshot {
  requests: number;
  accepted: number;
  rejected: number;
  /** Refusals by Octopush code, HTTP status of a scripted fault, or "timeout". */
  byCode: Record<string, number>;
}

/** Counts send requests and how each was answered. */
export class SandboxStats {
  private requests = 0;
  private accepted = 0;
  private rejected = 0;
  private byCode = new Map<string, number>();

  countRequest(): void {
    this.requests += 1;
  }

  countAccepted(): void {
    this.accepted += 1;
  }

  countRejected(key: string): void {
    this.rejected += 1;
    this.byCode.set(key, (this.byCode.get(key) ?? 0) + 1);
  }

  snapshot(): SandboxStatsSnapshot {
    return {
      requests: this.requests,
      accepted: this.accepted,
      rejected: this.rejected,
      byCode: Object.fromEntries(this.byCode),
    };
  }

  reset(): void {
    this.requests = 0;
    this.accepted = 0;
    this.rejected = 0;
    this.byCode = new Map();
  }
}
