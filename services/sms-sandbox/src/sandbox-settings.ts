import { mergeSandboxConfig } from './sandbox-config';
import type { SandboxConfig, SandboxConfigPatch } from './sandbox-config';

/** The live configuration, with what the send path asks of it. */
export class SandboxSettings {
  private config: SandboxConfig;
  private invalidNumbers: ReadonlySet<string>;

  constructor(private readonly baseline: SandboxConfig) {
    this.config = mergeSandboxConfig(baseline, {});
    this.invalidNumbers = new Set(baseline.invalidNumbers);
  }

  /** A copy of the current configuration. */
  current(): SandboxConfig {
    return mergeSandboxConfig(this.config, {});
  }

  update(patch: SandboxConfigPatch): SandboxConfig {
    this.config = mergeSandboxConfig(this.config, patch);
    this.invalidNumbers = new Set(this.config.invalidNumbers);

    return this.current();
  }

  reset(): void {
    this.config = mergeSandboxConfig(this.baseline, {});
    this.invalidNumbers = new Set(this.baseline.invalidNumbers);
  }

  get latencyMs(): number {
    return this.config.latencyMs;
  }

  get receipts(): SandboxConfig['receipts'] {
    return this.config.receipts;
  }

  get repliesUrl(): string | null {
    return this.config.repliesUrl;
  }

  get stopUrl(): string | null {
    return this.config.stopUrl;
  }

  /** Remaining credit in euros, or null when unlimited. */
  get credit(): number | null {
    return this.config.credit;
  }

  isInvalidNumber(number: string): boolean {
    return this.invalidNumbers.has(number);
  }

  canAfford(cost: number): boolean {
    return this.config.credit === null || cost <= this.config.credit;
  }

  debit(cost: number): void {
    if (this.config.credit === null) return;

    this.config.credit = roundMoney(this.config.credit - cost);
  }
}

// Six decimals hide float noise without hiding any price Octopush uses.
export function roundMoney(amount: number): number {
  return Math.round(amount * 1e6) / 1e6;
}
