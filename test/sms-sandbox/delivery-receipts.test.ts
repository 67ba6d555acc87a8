import {
  recordingLogger,
  startCallbackRecorder,
  startSandbox,
  validSend,
  waitFor,
} from './sms-sandbox-test-helpers';
import type {
  CallbackRecorder,
  StartedSandbox,
} from './sms-sandbox-test-helpers';

describe('delivery receipts', () => {
  const logger = recordingLogger();
  let started: StartedSandbox;
  let recorder: CallbackRecorder;

  beforeAll(async () => {
    started = await startSandbox({ logger });
    recorder = await startCallbackRecorder();
  });

  afterAll(async () => {
    await started.sandbox.close();
    await recorder.close();
  });

  beforeEach(() => {
    started.sandbox.reset();
    recorder.clear();
    logger.entries.length = 0;
  });

  function enableReceipts(path: string, extra: Record<string, unknown> = {}) {
    started.sandbox.configure({
      receipts: {
        enabled: true,
        delayMs: 20,
        webhookUrl: recorder.url(path),
        ...extra,
      },
    });
  }

  it('posts one receipt per accepted recipient', async () => {
    enableReceipts('/one-per-recipient');
    started.sandbox.configure({ invalidNumbers: ['+33600000003'] });

    const sent = await started.send(
      validSend({
        recipients: [
          { phone_number: '+33600000001' },
          { phone_number: '+33600000002' },
          { phone_number: '+33600000003' },
        ],
      }),
    );
    const receipts = await waitFor(() =>
      atLeast(recorder.received('/one-per-recipient'), 2),
    );

    expect(receipts.map((r) => r.body.number).sort()).toEqual([
      '+33600000001',
      '+33600000002',
    ]);
    expect(receipts[0]!.body).toMatchObject({
      channel: 'sms',
      message_id: sent.data.sms_ticket,
      status: 'DELIVERED',
      delivery_date: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
    });
  });

  it('posts the configured status', async () => {
    enableReceipts('/status', { status: 'BAD_DESTINATION' });

    await started.send(validSend());
    const [receipt] = await waitFor(() =>
      atLeast(recorder.received('/status'), 1),
    );

    expect(receipt!.body.status).toBe('BAD_DESTINATION');
  });

  it('retries a receipt the receiver refused', async () => {
    enableReceipts('/retried');
    recorder.answerNext(500, 503);

    await started.send(validSend());
    const attempts = await waitFor(() =>
      atLeast(recorder.received('/retried'), 3),
    );

    expect(attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    expect(new Set(attempts.map((a) => a.body.message_id)).size).toBe(1);
  });

  it('drops a receipt after four refused attempts and logs it', async () => {
    enableReceipts('/dropped');
    recorder.answerAlways(500);

    const sent = await started.send(validSend());
    const dropped = await waitFor(() =>
      logger.entries.find((e) => e.msg === 'callback dropped'),
    );

    expect(dropped.level).toBe('warn');
    expect(dropped.fields.messageId).toBe(sent.data.sms_ticket);
    expect(recorder.received('/dropped')).toHaveLength(4);
  });

  it('posts nothing for sends made while receipts are disabled', async () => {
    const quiet = await started.send(validSend());
    enableReceipts('/disabled');
    const loud = await started.send(validSend());

    await waitFor(() => atLeast(recorder.received('/disabled'), 1));

    expect(
      recorder.received('/disabled').map((r) => r.body.message_id),
    ).toEqual([loud.data.sms_ticket]);
    expect(quiet.status).toBe(200);
  });

  it('forgets receipts not yet due when the sandbox is reset', async () => {
    enableReceipts('/forgotten', { delayMs: 200 });
    await started.send(validSend());

    started.sandbox.reset();
    enableReceipts('/after-reset', { delayMs: 300 });
    const after = await started.send(validSend());
    await waitFor(() => atLeast(recorder.received('/after-reset'), 1));

    expect(recorder.received('/forgotten')).toEqual([]);
    expect(recorder.received('/after-reset')[0]!.body.message_id).toBe(
      after.data.sms_ticket,
    );
  });

  it('sends no receipt for a simulation', async () => {
    enableReceipts('/simulation');

    await started.send(validSend({ simulation_mode: true }));
    const real = await started.send(validSend());
    await waitFor(() => atLeast(recorder.received('/simulation'), 1));

    expect(
      recorder.received('/simulation').map((r) => r.body.message_id),
    ).toEqual([real.data.sms_ticket]);
  });
});

function atLeast<T>(list: T[], count: number): T[] | undefined {
  return list.length >= count ? list : undefined;
}
