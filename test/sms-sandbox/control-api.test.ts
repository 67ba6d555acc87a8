import { DEFAULT_SANDBOX_CONFIG } from '@optic/sms-sandbox';

import {
  AUTH_HEADERS,
  SEND_PATH,
  startSandbox,
  validSend,
} from './sms-sandbox-test-helpers';
import type { StartedSandbox } from './sms-sandbox-test-helpers';

describe('control API', () => {
  let started: StartedSandbox;

  beforeAll(async () => {
    started = await startSandbox();
  });

  afterAll(() => started.sandbox.close());

  beforeEach(() => started.http.post('/_sandbox/reset'));

  describe('PUT /_sandbox/config', () => {
    it('merges the change into the current configuration', async () => {
      await started.http.put('/_sandbox/config', {
        receipts: { enabled: true, webhookUrl: 'http://127.0.0.1:9/r' },
      });
      const answer = await started.http.put('/_sandbox/config', {
        latencyMs: 5,
        receipts: { status: 'NOT_DELIVERED' },
      });

      expect(answer.status).toBe(200);
      expect(answer.data).toEqual({
        ...DEFAULT_SANDBOX_CONFIG,
        latencyMs: 5,
        receipts: {
          enabled: true,
          delayMs: 200,
          status: 'NOT_DELIVERED',
          webhookUrl: 'http://127.0.0.1:9/r',
        },
      });
    });

    it.each([
      ['an unknown field', { latency: 5 }, 'latency'],
      ['a negative latency', { latencyMs: -1 }, 'latencyMs'],
      [
        'an undocumented status',
        { receipts: { status: 'READ' } },
        'receipts.status',
      ],
      ['a URL that is not http', { repliesUrl: 'ftp://x/y' }, 'repliesUrl'],
      ['a negative credit', { credit: -2 }, 'credit'],
    ])('refuses %s and names it', async (_case, body, path) => {
      const answer = await started.http.put('/_sandbox/config', body);

      expect(answer.status).toBe(400);
      expect(answer.data.issues.map((i: { path: string }) => i.path)).toContain(
        path,
      );
    });

    it('refuses a body that is not JSON', async () => {
      const answer = await started.http.put('/_sandbox/config', '{latency', {
        headers: { 'content-type': 'application/json' },
        transformRequest: [(raw) => raw],
      });

      expect(answer.status).toBe(400);
    });

    it('turns unlimited credit back on with null', async () => {
      await started.http.put('/_sandbox/config', { credit: 0 });
      await started.http.put('/_sandbox/config', { credit: null });

      expect((await started.send(validSend())).status).toBe(200);
    });
  });

  describe('GET /_sandbox/messages', () => {
    beforeEach(async () => {
      await started.send(
        validSend({
          request_id: 'a',
          recipients: [{ phone_number: '+33600000001' }],
        }),
      );
      await started.send(
        validSend({
          request_id: 'b',
          recipients: [
            { phone_number: '+33600000001' },
            { phone_number: '+33600000002' },
          ],
        }),
      );
      await started.send(
        validSend({ recipients: [{ phone_number: '+33600000003' }] }),
      );
    });

    it.each([
      ['no filter', {}, [3, ['a', 'b', null]]],
      ['request_id', { request_id: 'b' }, [1, ['b']]],
      ['number', { number: '+33600000001' }, [2, ['a', 'b']]],
      ['both', { request_id: 'a', number: '+33600000002' }, [0, []]],
      ['an unknown number', { number: '+33699999999' }, [0, []]],
    ])('filters by %s', async (_case, params, [count, requestIds]) => {
      const answer = await started.http.get('/_sandbox/messages', { params });

      expect(answer.data.count).toBe(count);
      expect(
        answer.data.messages.map(
          (m: { requestId: string | null }) => m.requestId,
        ),
      ).toEqual(requestIds);
    });
  });

  it('counts send requests by outcome in GET /_sandbox/stats', async () => {
    started.sandbox.script([{ type: 'rate-limit', retryAfterSeconds: 1 }]);
    await started.send(validSend());
    await started.send(validSend());
    await started.send(validSend({ sender: '!' }));
    await started.send(validSend({ sender: '?' }));
    await started.http.post(SEND_PATH, validSend(), {
      headers: { 'api-key': 'x' },
    });

    const answer = await started.http.get('/_sandbox/stats');

    expect(answer.data).toEqual({
      requests: 5,
      accepted: 1,
      rejected: 4,
      byCode: { '429': 1, '106': 2, '101': 1 },
    });
  });

  it('clears records, script, stats and config on reset, keeping credentials', async () => {
    await started.http.put('/_sandbox/config', { latencyMs: 1, credit: 0 });
    started.sandbox.script([{ type: 'http', status: 500 }]);
    await started.send(validSend());
    started.sandbox.script([{ type: 'http', status: 503 }]);

    const reset = await started.http.post('/_sandbox/reset');
    const config = await started.http.get('/_sandbox/config');
    const send = await started.http.post(SEND_PATH, validSend(), {
      headers: AUTH_HEADERS,
    });

    expect(reset.status).toBe(204);
    expect(config.data).toEqual(DEFAULT_SANDBOX_CONFIG);
    expect(send.status).toBe(200);
    expect(started.sandbox.stats()).toMatchObject({ requests: 1, accepted: 1 });
    expect(started.sandbox.messages()).toHaveLength(1);
  });

  it('reset returns to the defaults given at creation', async () => {
    const own = await startSandbox({ defaults: { latencyMs: 3, credit: 10 } });

    own.sandbox.configure({ latencyMs: 50, credit: 0 });
    own.sandbox.reset();

    expect(own.sandbox.config()).toMatchObject({ latencyMs: 3, credit: 10 });
    await own.sandbox.close();
  });

  it('refuses invalid configuration in process too', () => {
    expect(() => started.sandbox.configure({ latencyMs: -5 })).toThrow();
  });

  it('answers unknown paths with a JSON 404', async () => {
    const answer = await started.http.get('/v1/public/unknown');

    expect(answer.status).toBe(404);
    expect(answer.data).toEqual({ code: 404, message: 'Not found' });
  });

  it('binds loopback only', () => {
    expect(new URL(started.url).hostname).toBe('127.0.0.1');
  });
});
