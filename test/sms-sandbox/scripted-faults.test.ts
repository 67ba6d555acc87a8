import { startSandbox, validSend, waitFor } from './sms-sandbox-test-helpers';
import type { StartedSandbox } from './sms-sandbox-test-helpers';

describe('scripted faults', () => {
  let started: StartedSandbox;

  beforeAll(async () => {
    started = await startSandbox();
  });

  afterAll(() => started.sandbox.close());

  beforeEach(() => started.sandbox.reset());

  it('answers two 500s then accepts the third attempt', async () => {
    await started.http.post('/_sandbox/script', {
      responses: [
        { type: 'http', status: 500 },
        { type: 'http', status: 500 },
      ],
    });

    const answers = [
      await started.send(validSend()),
      await started.send(validSend()),
      await started.send(validSend()),
    ];

    expect(answers.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(answers[0]!.data).toEqual({
      code: 500,
      message: 'Internal server error',
    });
    expect(started.sandbox.messages()).toHaveLength(1);
  });

  it('answers 502 and 503 with their own status', async () => {
    started.sandbox.script([
      { type: 'http', status: 502 },
      { type: 'http', status: 503 },
    ]);

    const bad = await started.send(validSend());
    const unavailable = await started.send(validSend());

    expect([bad.status, bad.data.code]).toEqual([502, 502]);
    expect([unavailable.status, unavailable.data.code]).toEqual([503, 503]);
  });

  it('answers 429 with a Retry-After header in seconds', async () => {
    started.sandbox.script([{ type: 'rate-limit', retryAfterSeconds: 7 }]);

    const answer = await started.send(validSend());

    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toBe('7');
    expect(answer.data).toEqual({ code: 429, message: 'Too many requests' });
  });

  it('plays scripted faults before checking credentials', async () => {
    started.sandbox.script([{ type: 'rate-limit', retryAfterSeconds: 1 }]);

    const answer = await started.http.post('/v1/public/sms-campaign/send', {});

    expect(answer.status).toBe(429);
  });

  it('answers 117 for a scripted invalid number, whatever the recipients', async () => {
    started.sandbox.script([{ type: 'invalid-number' }]);

    const answer = await started.send(validSend());

    expect(answer.status).toBe(400);
    expect(answer.data.code).toBe(117);
    expect(started.sandbox.messages()).toHaveLength(0);
  });

  it('holds a scripted timeout until the client aborts', async () => {
    started.sandbox.script([{ type: 'timeout' }]);

    const attempt = started.http.post(
      '/v1/public/sms-campaign/send',
      validSend(),
      { timeout: 200 },
    );

    await expect(attempt).rejects.toMatchObject({ code: 'ECONNABORTED' });
    expect(started.sandbox.stats().byCode).toEqual({ timeout: 1 });
    expect((await started.send(validSend())).status).toBe(200);
  });

  it('ends a held request when the sandbox is reset', async () => {
    started.sandbox.script([{ type: 'timeout' }]);

    const attempt = started.send(validSend());
    await waitFor(() => started.sandbox.stats().requests === 1);
    started.sandbox.reset();

    await expect(attempt).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('ends a held request when the sandbox closes', async () => {
    const own = await startSandbox();
    own.sandbox.script([{ type: 'timeout' }]);

    const attempt = own.send(validSend());
    await waitFor(() => own.sandbox.stats().requests === 1);
    await own.sandbox.close();

    await expect(attempt).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('consumes one scripted outcome per send, in order', async () => {
    const pending = await started.http.post('/_sandbox/script', {
      responses: [{ type: 'invalid-number' }, { type: 'http', status: 503 }],
    });

    const codes = [];
    for (let i = 0; i < 3; i += 1)
      codes.push((await started.send(validSend())).status);

    expect(pending.data).toEqual({ pending: 2 });
    expect(codes).toEqual([400, 503, 200]);
  });

  it('delays every send by the configured latency', async () => {
    started.sandbox.configure({ latencyMs: 150 });

    const startedAt = Date.now();
    const answer = await started.send(validSend());

    expect(answer.status).toBe(200);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(140);
  });

  it('refuses an unknown scripted outcome', async () => {
    const answer = await started.http.post('/_sandbox/script', {
      responses: [{ type: 'http', status: 418 }],
    });

    expect(answer.status).toBe(400);
    expect(answer.data.issues[0].path).toMatch(/^responses\.0/);
  });
});
