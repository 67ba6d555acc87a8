import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';

import {
  AUTH_HEADERS,
  SEND_PATH,
  loopbackClient,
  startCallbackRecorder,
  validSend,
  waitFor,
} from './sms-sandbox-test-helpers';
import type { CallbackRecorder } from './sms-sandbox-test-helpers';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'services/sms-sandbox/src/main.ts');

interface RunningMain {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];

function runMain(env: Record<string, string>): RunningMain {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
  });
  let out = '';
  let err = '';

  children.push(child);

  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: new Promise((resolve) =>
      child.once('exit', (code) => resolve(code)),
    ),
  };
}

function logLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('sms-sandbox main', () => {
  let recorder: CallbackRecorder;

  beforeAll(async () => {
    recorder = await startCallbackRecorder();
  });

  afterAll(() => recorder.close());

  // A failed assertion must not leave a sandbox process behind.
  afterEach(() => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    }
  });

  it('stops with a sentence naming the variable when the config is wrong', async () => {
    const run = runMain({ SMS_SANDBOX_PORT: 'http' });

    expect(await run.exited).toBe(1);
    expect(run.stderr()).toBe(
      'sms-sandbox: SMS_SANDBOX_PORT must be an integer from 0 to 65535\n',
    );
  });

  it('serves on loopback, posts receipts from the environment and stops on SIGTERM', async () => {
    const run = runMain({
      SMS_SANDBOX_PORT: '0',
      SMS_SANDBOX_RECEIPTS_URL: recorder.url('/main'),
      SMS_SANDBOX_RECEIPT_DELAY_MS: '0',
    });
    const listening = await waitFor(
      () =>
        logLines(run.stdout()).find((l) => l.msg === 'sms sandbox listening'),
      { timeoutMs: 20_000 },
    );
    const url = String(listening.url);

    const sent = await loopbackClient(url).post(SEND_PATH, validSend(), {
      headers: AUTH_HEADERS,
    });
    const [receipt] = await waitFor(() => {
      const received = recorder.received('/main');
      return received.length > 0 ? received : undefined;
    });
    run.child.kill('SIGTERM');

    expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(sent.status).toBe(200);
    expect(receipt!.body.message_id).toBe(sent.data.sms_ticket);
    expect(await run.exited).toBe(0);
    expect(logLines(run.stdout()).map((l) => l.msg)).toContain(
      'sms sandbox closed',
    );
  });
});
