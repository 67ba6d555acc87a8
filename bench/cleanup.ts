/**
 * Steps that undo the bench's setup, run once in reverse order whether
 * the bench ends, fails or is interrupted; a failing step does not stop
 * the others.
 */
export class Cleanup {
  private readonly steps: { what: string; undo: () => Promise<unknown> }[] = [];
  private running: Promise<void> | null = null;

  /** True once the steps have begun: what they close may now fail. */
  get started(): boolean {
    return this.running !== null;
  }

  add(what: string, undo: () => Promise<unknown>): void {
    this.steps.push({ what, undo });
  }

  run(): Promise<void> {
    this.running ??= this.runAll();
    return this.running;
  }

  private async runAll(): Promise<void> {
    for (const { what, undo } of [...this.steps].reverse()) {
      try {
        await undo();
      } catch (error) {
        console.error(`cleanup: ${what} failed: ${(error as Error).message}`);
      }
    }
  }
}
