import { MessageStore } from '../../services/sms-sandbox/src/message-store';
import type { SentMessage } from '../../services/sms-sandbox/src/message-store';

function message(index: number, numbers: string[]): SentMessage {
  return {
    ticket: `sms_${index.toString(16)}`,
    requestId: index % 2 === 0 ? `req-${index}` : null,
    text: 'STOP au 30101',
    sender: null,
    type: 'sms_premium',
    purpose: 'alert',
    sendAt: null,
    withReplies: false,
    recipients: numbers.map((phone_number) => ({ phone_number })),
    rejectedNumbers: [],
    segments: 1,
    smsNeeded: numbers.length,
    totalCost: 0.045 * numbers.length,
    receivedAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('MessageStore', () => {
  describe('over a run of 100,000 messages', () => {
    const store = new MessageStore();

    beforeAll(() => {
      for (let i = 0; i < 100_000; i += 1) {
        store.add(message(i, [`+336${String(i % 5000).padStart(8, '0')}`]));
      }
    });

    it('keeps every message', () => {
      expect(store.size).toBe(100_000);
    });

    it('finds a request_id through its index', () => {
      expect(
        store.find({ requestId: 'req-99998' }).map((m) => m.ticket),
      ).toEqual([`sms_${(99_998).toString(16)}`]);
    });

    it('finds every message sent to a number, oldest first', () => {
      const found = store.find({ number: '+33600000042' });

      expect(found).toHaveLength(20);
      expect(found[0]!.ticket).toBe(`sms_${(42).toString(16)}`);
      expect(store.lastTo('+33600000042')!.ticket).toBe(
        `sms_${(95_042).toString(16)}`,
      );
    });
  });

  it('indexes a number once when a send lists it twice', () => {
    const store = new MessageStore();

    store.add(message(1, ['+33600000001', '+33600000001']));

    expect(store.find({ number: '+33600000001' })).toHaveLength(1);
  });

  it('forgets everything on clear', () => {
    const store = new MessageStore();
    store.add(message(2, ['+33600000001']));

    store.clear();

    expect(store.find()).toEqual([]);
    expect(store.lastWithRequestId('req-2')).toBeUndefined();
    expect(store.lastTo('+33600000001')).toBeUndefined();
  });

  it('returns copies that callers cannot use to alter the store', () => {
    const store = new MessageStore();
    store.add(message(4, ['+33600000001']));

    store.find().length = 0;

    expect(store.size).toBe(1);
  });
});
