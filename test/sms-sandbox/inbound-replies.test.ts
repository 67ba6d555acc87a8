import { ManualClock } from '@optic/domain';

import {
  startCallbackRecorder,
  startSandbox,
  validSend,
  waitFor,
} from './sms-sandbox-test-helpers';
import type {
  CallbackRecorder,
  StartedSandbox,
} from './sms-sandbox-test-helpers';

describe('inbound replies', () => {
  const clock = new ManualClock(new Date('2026-05-20T08:30:00Z'));
  let started: StartedSandbox;
  let recorder: CallbackRecorder;

  beforeAll(async () => {
    started = await startSandbox({ clock });
    recorder = await startCallbackRecorder();
  });

  afterAll(async () => {
    await started.sandbox.close();
    await recorder.close();
  });

  beforeEach(() => {
    started.sandbox.reset();
    recorder.clear();
    started.sandbox.configure({
      repliesUrl: recorder.url('/replies'),
      stopUrl: recorder.url('/stop'),
    });
  });

  function inbound(body: Record<string, unknown>) {
    return started.http.post('/_sandbox/inbound', body);
  }

  it('forwards a reply to the replies URL', async () => {
    const answer = await inbound({
      number: '+33600000010',
      text: 'Je passe demain',
      message_id: 'sms_abc',
    });
    const [reply] = await waitFor(() =>
      nonEmpty(recorder.received('/replies')),
    );

    expect(answer.status).toBe(202);
    expect(answer.data).toEqual({ message_id: 'sms_abc', stop: false });
    expect(reply!.body).toEqual({
      message_id: 'sms_abc',
      number: '+33600000010',
      text: 'Je passe demain',
      sim_card_number: '12345',
      reception_date: '2026-05-20 08:30:00',
    });
  });

  it('finds the original ticket from the last send to the number', async () => {
    await started.send(
      validSend({ recipients: [{ phone_number: '+33600000011' }] }),
    );
    const last = await started.send(
      validSend({ recipients: [{ phone_number: '+33600000011' }] }),
    );

    const answer = await inbound({ number: '+33600000011', text: 'Merci' });

    expect(answer.data.message_id).toBe(last.data.sms_ticket);
  });

  it('answers an empty ticket when it sent nothing to the number', async () => {
    const answer = await inbound({
      number: '+33600000012',
      text: 'Qui est-ce ?',
    });

    expect(answer.data.message_id).toBe('');
  });

  it.each(['STOP', 'stop', ' Arret ', 'ARRÊT', 'arrêt'])(
    'forwards "%s" to the stop URL as well',
    async (text) => {
      const answer = await inbound({ number: '+33600000013', text });
      const [stop] = await waitFor(() => nonEmpty(recorder.received('/stop')));
      await waitFor(() => nonEmpty(recorder.received('/replies')));

      expect(answer.data.stop).toBe(true);
      expect(stop!.body).toEqual({
        message_id: '',
        number: '+33600000013',
        text,
        stop_date: '2026-05-20 08:30:00',
      });
    },
  );

  it('does not forward an ordinary reply to the stop URL', async () => {
    await inbound({ number: '+33600000014', text: 'Stoppez pas, merci' });
    await inbound({ number: '+33600000015', text: 'STOP' });
    await waitFor(() => nonEmpty(recorder.received('/stop')));

    expect(recorder.received('/stop').map((c) => c.body.number)).toEqual([
      '+33600000015',
    ]);
  });

  it('refuses a number that is not in international format', async () => {
    const answer = await inbound({ number: '0600000000', text: 'STOP' });

    expect(answer.status).toBe(400);
    expect(answer.data.issues[0].path).toBe('number');
  });

  it('forwards the same way in process', async () => {
    const result = started.sandbox.inbound({
      number: '+33600000016',
      text: 'stop',
    });
    const [stop] = await waitFor(() => nonEmpty(recorder.received('/stop')));

    expect(result).toEqual({ message_id: '', stop: true });
    expect(stop!.body.number).toBe('+33600000016');
  });
});

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
