import { DELIVERY_ERROR_CODES } from '@optic/domain';
import { messageJobId, retryDelayMs, seededRandom } from '@optic/queue';

const POLICY = { baseDelayMs: 1000, maxDelayMs: 30_000 };

describe('retry delays', () => {
  it('doubles the window at each retry, with half of it random', () => {
    const fixed = (value: number) => () => value;

    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, POLICY, fixed(0)))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect(
      [1, 2, 3, 4].map((n) => retryDelayMs(n, POLICY, fixed(0.999999))),
    ).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never waits longer than the cap', () => {
    expect(retryDelayMs(20, POLICY, () => 0.999999)).toBe(30_000);
  });

  it('grows from one retry to the next whatever the jitter draws', () => {
    const random = seededRandom(123);
    for (let trial = 0; trial < 1000; trial += 1) {
      const delays = [1, 2, 3, 4].map((n) => retryDelayMs(n, POLICY, random));
      for (let n = 1; n < delays.length; n += 1)
        expect(delays[n]!).toBeGreaterThanOrEqual(delays[n - 1]!);
    }
  });

  it('gives the same sequence for the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const draws = Array.from({ length: 5 }, () => [a(), b()]);

    expect(draws.every(([x, y]) => x === y)).toBe(true);
    expect(new Set(draws.map(([x]) => x)).size).toBe(5);
  });
});

describe('job ids', () => {
  it('derive from the message id, without the colon BullMQ reserves', () => {
    const id = messageJobId('0b6c6f1e-8c2a-4c3e-9d8e-1f2a3b4c5d6e');

    expect(id).toBe('msg-0b6c6f1e-8c2a-4c3e-9d8e-1f2a3b4c5d6e');
    expect(id).not.toContain(':');
  });
});

describe('delivery error codes', () => {
  it('lists every code with whether it is retried', () => {
    expect(
      Object.fromEntries(
        Object.entries(DELIVERY_ERROR_CODES).map(([code, v]) => [
          code,
          v.retryable,
        ]),
      ),
    ).toEqual({
      INVALID_RECIPIENT: false,
      PROVIDER_REJECTED: false,
      AUTH_FAILED: false,
      TEMPLATE_FAILED: false,
      RATE_LIMITED: true,
      PROVIDER_UNAVAILABLE: true,
      TIMEOUT: true,
    });
  });
});
