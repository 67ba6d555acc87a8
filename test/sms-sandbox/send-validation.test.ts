import { ManualClock } from '@optic/domain';

import {
  AUTH_HEADERS,
  SEND_PATH,
  startSandbox,
  validSend,
} from './sms-sandbox-test-helpers';
import type { StartedSandbox } from './sms-sandbox-test-helpers';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('sending an SMS campaign', () => {
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  let started: StartedSandbox;

  beforeAll(async () => {
    started = await startSandbox({ clock });
  });

  afterAll(() => started.sandbox.close());

  beforeEach(() => started.sandbox.reset());

  describe('when a request_id repeats', () => {
    it('refuses the second send within 24 hours with code 120', async () => {
      const first = await started.send(validSend({ request_id: 'r-1' }));
      clock.advance(DAY_MS - 1000);
      const second = await started.send(validSend({ request_id: 'r-1' }));

      expect(first.status).toBe(200);
      expect(second.status).toBe(400);
      expect(second.data.code).toBe(120);
      expect(started.sandbox.messages({ requestId: 'r-1' })).toHaveLength(1);
    });

    it('accepts it again once 24 hours have passed', async () => {
      await started.send(validSend({ request_id: 'r-2' }));
      clock.advance(DAY_MS);

      const again = await started.send(validSend({ request_id: 'r-2' }));

      expect(again.status).toBe(200);
      expect(started.sandbox.messages({ requestId: 'r-2' })).toHaveLength(2);
    });

    it('accepts a different request_id', async () => {
      await started.send(validSend({ request_id: 'r-3' }));

      const other = await started.send(validSend({ request_id: 'r-4' }));

      expect(other.status).toBe(200);
    });
  });

  describe('in simulation mode', () => {
    it('answers a result without recording a delivery', async () => {
      const answer = await started.send(
        validSend({ simulation_mode: true, request_id: 'sim-1' }),
      );
      const real = await started.send(validSend({ request_id: 'sim-1' }));

      expect(answer.status).toBe(200);
      expect(answer.data.number_of_contacts).toBe(1);
      expect(real.status).toBe(200);
      expect(started.sandbox.messages()).toHaveLength(1);
    });

    it('still refuses what is invalid', async () => {
      const answer = await started.send(
        validSend({ simulation_mode: true, sender: 'x' }),
      );

      expect(answer.data.code).toBe(106);
    });
  });

  describe('when some numbers are invalid', () => {
    it('sends to the correct numbers only and records the others', async () => {
      started.sandbox.configure({ invalidNumbers: ['+33699999999'] });

      const answer = await started.send(
        validSend({
          recipients: [
            { phone_number: '+33600000001' },
            { phone_number: '+33699999999' },
            { phone_number: '0600000002' },
          ],
        }),
      );
      const [message] = started.sandbox.messages();

      expect(answer.data.number_of_contacts).toBe(1);
      expect(message!.recipients).toEqual([{ phone_number: '+33600000001' }]);
      expect(message!.rejectedNumbers).toEqual(['+33699999999', '0600000002']);
    });

    it('answers 117 when every number is in the invalid list', async () => {
      started.sandbox.configure({ invalidNumbers: ['+33699999999'] });

      const answer = await started.send(
        validSend({ recipients: [{ phone_number: '+33699999999' }] }),
      );

      expect(answer.data.code).toBe(117);
    });
  });

  describe('the STOP mention', () => {
    it.each([
      ['a premium alert', { purpose: 'alert', text: 'RDV demain 10h' }],
      [
        'a low-cost marketing SMS',
        { type: 'sms_low_cost', text: 'Promo -20%' },
      ],
      ['a premium marketing SMS with it', { text: 'Promo. STOP au 30101' }],
    ])('is not required of %s', async (_case, overrides) => {
      const answer = await started.send(validSend(overrides));

      expect(answer.status).toBe(200);
    });

    it.each([
      ['missing', 'Promo -20% ce week-end'],
      ['in the wrong case', 'Promo. Stop au 30101'],
      ['without digits', 'Promo. STOP au XXXXX'],
    ])('refuses a premium marketing SMS with it %s', async (_case, text) => {
      const answer = await started.send(validSend({ text }));

      expect(answer.data.code).toBe(121);
    });

    it('applies the marketing default when purpose is omitted', async () => {
      const answer = await started.send(
        validSend({ purpose: undefined, text: 'Promo -20%' }),
      );

      expect(answer.data.code).toBe(121);
    });
  });

  describe('the body', () => {
    it.each([
      ['a sender of 11 characters with spaces', { sender: 'Optic Lyon1' }],
      ['no sender', { sender: undefined }],
      [
        'a text of 1,224 characters',
        { text: 'STOP au 30101'.padEnd(1224, 'a') },
      ],
      ['500 recipients', { recipients: numbers(500) }],
    ])('accepts %s', async (_case, overrides) => {
      const answer = await started.send(validSend(overrides));

      expect(answer.status).toBe(200);
    });

    it.each([
      ['a sender of 2 characters', { sender: 'Op' }, 106],
      ['a sender of 12 characters', { sender: 'OptiqueLyon1' }, 106],
      ['an empty text', { text: '' }, 107],
      [
        'a text of 1,225 characters',
        { text: 'STOP au 1'.padEnd(1225, 'a') },
        100,
      ],
      ['501 recipients', { recipients: numbers(501) }, 100],
      ['no recipients field', { recipients: undefined }, 103],
      ['an unknown type', { type: 'sms_gold' }, 112],
      ['an unknown purpose', { purpose: 'spam' }, 100],
      ['a send_at that is not ISO 8601', { send_at: '03/10/2026' }, 100],
    ])('refuses %s', async (_case, overrides, code) => {
      const answer = await started.send(validSend(overrides));

      expect(answer.status).toBe(400);
      expect(answer.data.code).toBe(code);
    });
  });

  describe('a body Octopush cannot read', () => {
    it('is refused with code 100 when sent as a form', async () => {
      const answer = await started.http.post(SEND_PATH, 'text=Bonjour', {
        headers: {
          ...AUTH_HEADERS,
          'content-type': 'application/x-www-form-urlencoded',
        },
      });

      expect(answer.status).toBe(400);
      expect(answer.data.code).toBe(100);
    });

    it('is refused with code 100 when over 2 MB', async () => {
      const huge = JSON.stringify(validSend({ text: 'a'.repeat(2_200_000) }));

      const answer = await started.http.post(SEND_PATH, huge, {
        headers: { ...AUTH_HEADERS, 'content-type': 'application/json' },
      });

      expect(answer.data.code).toBe(100);
      expect((await started.send(validSend())).status).toBe(200);
    });
  });

  describe('cost and credit', () => {
    it('counts segments times contacts', async () => {
      const answer = await started.send(
        validSend({
          text: 'STOP au 30101 '.padEnd(161, 'a'),
          recipients: numbers(3),
        }),
      );

      expect(answer.data.number_of_sms_needed).toBe(6);
      expect(answer.data.total_cost).toBeCloseTo(0.27, 6);
    });

    it('debits the credit, then answers 104 once it runs out', async () => {
      started.sandbox.configure({ credit: 0.05 });

      const first = await started.send(validSend());
      const second = await started.send(validSend());

      expect(first.data.residual_credit).toBeCloseTo(0.005, 6);
      expect(second.data).toMatchObject({ code: 104 });
      expect(started.sandbox.config().credit).toBeCloseTo(0.005, 6);
    });

    it('prices low-cost SMS below premium ones', async () => {
      const premium = await started.send(validSend());
      const lowCost = await started.send(validSend({ type: 'sms_low_cost' }));

      expect(lowCost.data.total_cost).toBeLessThan(premium.data.total_cost);
    });
  });

  it('records what it accepted with the time from the clock', async () => {
    const answer = await started.send(
      validSend({ request_id: 'rec-1', with_replies: true }),
    );

    expect(started.sandbox.messages()).toEqual([
      {
        ticket: answer.data.sms_ticket,
        requestId: 'rec-1',
        text: 'Vos lunettes sont prêtes. STOP au 30101',
        sender: 'Optique',
        type: 'sms_premium',
        purpose: 'wholesale',
        sendAt: null,
        withReplies: true,
        recipients: [{ phone_number: '+33600000001' }],
        rejectedNumbers: [],
        segments: 1,
        smsNeeded: 1,
        totalCost: 0.045,
        receivedAt: clock.now().toISOString(),
      },
    ]);
  });

  it('issues a different ticket for every send', async () => {
    const tickets = new Set<string>();

    for (let i = 0; i < 20; i += 1) {
      tickets.add((await started.send(validSend())).data.sms_ticket);
    }

    expect(tickets.size).toBe(20);
  });
});

function numbers(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    phone_number: `+336${String(i).padStart(8, '0')}`,
  }));
}
