import { SMTPServer } from 'smtp-server';
import type { SMTPServerSession } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
}

export interface ScriptedReply {
  /** SMTP stage at which to answer with an error. */
  at: 'rcpt' | 'data';
  code: number;
  message: string;
}

/**
 * A real SMTP server on a loopback port, for tests: keeps every message it
 * accepts and can answer scripted errors (421, 451, 550) in order.
 */
export class SmtpTestServer {
  readonly received: ReceivedMail[] = [];
  private readonly script: ScriptedReply[] = [];
  private readonly server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      // Without this, smtp-server asks the machine's DNS about each client.
      disableReverseLookup: true,
      logger: false,
      onRcptTo: (address, _session, callback) => {
        const reply = this.next('rcpt');
        callback(reply ? smtpError(reply) : undefined);
        void address;
      },
      onData: (stream, session, callback) =>
        this.receive(stream, session, callback),
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** Queues error replies, consumed one per matching SMTP stage. */
  failNext(...replies: ScriptedReply[]): void {
    this.script.push(...replies);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private next(stage: ScriptedReply['at']): ScriptedReply | undefined {
    const index = this.script.findIndex((reply) => reply.at === stage);
    return index >= 0 ? this.script.splice(index, 1)[0] : undefined;
  }

  private receive(
    stream: NodeJS.ReadableStream,
    session: SMTPServerSession,
    callback: (error?: Error | null) => void,
  ): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const reply = this.next('data');
      if (reply) return callback(smtpError(reply));

      const raw = Buffer.concat(chunks);
      simpleParser(raw).then((parsed) => {
        this.received.push({
          envelope: {
            from: session.envelope.mailFrom
              ? session.envelope.mailFrom.address
              : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          },
          raw,
          parsed,
        });
        callback();
      }, callback);
    });
  }
}

function smtpError(reply: ScriptedReply): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}
