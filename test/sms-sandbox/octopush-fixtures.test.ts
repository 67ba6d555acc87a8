import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { ManualClock } from '@optic/domain';

import {
  loopbackClient,
  startCallbackRecorder,
  startSandbox,
  validSend,
  waitFor,
} from './sms-sandbox-test-helpers';
import type {
  CallbackRecorder,
  StartedSandbox,
} from './sms-sandbox-test-helpers';

const FIXTURES = path.resolve(
  __dirname,
  '../../services/sms-sandbox/fixtures/octopush',
);

interface SendFixture {
  description: string;
  source: string;
  sandbox?: { config?: Record<string, unknown>; sendBeforehand?: boolean };
  request: {
    method: 'POST';
    path: string;
    headers: Record<string, string>;
    body?: unknown;
    rawBody?: string;
  };
  response: { status: number; body: Record<string, unknown> };
  variesPerRun?: string[];
}

interface CallbackFixture {
  description: string;
  source: string;
  payload: Record<string, string>;
}

function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as T;
}

const sendFixtures = readdirSync(FIXTURES)
  .filter((name) => name.startsWith('send-'))
  .map((name) => [name, readFixture<SendFixture>(name)] as const);

// The documented example date, so that callback dates match the fixtures.
const DOCUMENTED_DATE = new Date('2020-11-04T11:11:45Z');

describe('Octopush fixtures', () => {
  let started: StartedSandbox;
  let recorder: CallbackRecorder;

  beforeAll(async () => {
    started = await startSandbox({ clock: new ManualClock(DOCUMENTED_DATE) });
    recorder = await startCallbackRecorder();
  });

  afterAll(async () => {
    await started.sandbox.close();
    await recorder.close();
  });

  beforeEach(() => started.sandbox.reset());

  it('has one fixture per implemented return code and a valid request', () => {
    const codes = sendFixtures.map(([, f]) => f.response.body.code ?? 'ok');

    expect(new Set(codes)).toEqual(
      new Set(['ok', 100, 101, 103, 104, 106, 107, 112, 117, 120, 121]),
    );
  });

  it.each(sendFixtures)('answers %s as documented', async (_name, fixture) => {
    const { request, response } = fixture;
    const http = loopbackClient(started.url);

    if (fixture.sandbox?.config)
      started.sandbox.configure(fixture.sandbox.config);
    if (fixture.sandbox?.sendBeforehand) {
      const first = await http.post(request.path, request.body, {
        headers: request.headers,
      });

      expect(first.status).toBe(200);
    }

    const answer = await http.post(
      request.path,
      request.rawBody ?? request.body,
      {
        headers: request.headers,
        transformRequest:
          request.rawBody === undefined ? undefined : [(raw) => raw],
      },
    );

    expect(answer.status).toBe(response.status);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.data).toEqual(expectedBody(fixture));
  });

  it('posts receipts shaped like the documented payload', async () => {
    const { payload } = readFixture<CallbackFixture>('callback-receipt.json');

    started.sandbox.configure({
      receipts: {
        enabled: true,
        delayMs: 0,
        webhookUrl: recorder.url('/receipts'),
      },
    });
    const sent = await started.send(
      validSend({ recipients: [{ phone_number: payload.number }] }),
    );

    const [receipt] = await waitFor(() =>
      nonEmpty(recorder.received('/receipts')),
    );

    expect(receipt!.body).toEqual({
      ...payload,
      message_id: sent.data.sms_ticket,
    });
  });

  it('posts inbound replies shaped like the documented payload', async () => {
    const { payload } = readFixture<CallbackFixture>('callback-inbound.json');

    started.sandbox.configure({ repliesUrl: recorder.url('/replies') });
    await started.http.post('/_sandbox/inbound', {
      number: payload.number,
      text: payload.text,
      message_id: payload.message_id,
    });

    const [reply] = await waitFor(() =>
      nonEmpty(recorder.received('/replies')),
    );

    expect(reply!.body).toEqual(payload);
  });

  it('posts STOP replies shaped like the documented payload', async () => {
    const { payload } = readFixture<CallbackFixture>('callback-stop.json');

    started.sandbox.configure({ stopUrl: recorder.url('/stop') });
    await started.http.post('/_sandbox/inbound', {
      number: payload.number,
      text: payload.text,
      message_id: payload.message_id,
    });

    const [stop] = await waitFor(() => nonEmpty(recorder.received('/stop')));

    expect(stop!.body).toEqual(payload);
  });
});

function expectedBody(fixture: SendFixture): Record<string, unknown> {
  const expected: Record<string, unknown> = { ...fixture.response.body };

  for (const field of fixture.variesPerRun ?? []) {
    expected[field] = expect.stringMatching(/^sms_[0-9a-f]+$/);
  }

  return expected;
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
