import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A local SMTP server that accepts every message and counts them, standing
 * in for the shops' mail servers during the demo.
 */
export class MailCatcher {
  received = 0;
  bytes = 0;
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData: (stream, _session, callback) => {
      stream.on('data', (chunk: Buffer) => {
        this.bytes += chunk.length;
      });
      stream.on('end', () => {
        this.received += 1;
        callback();
      });
    },
  });

  async start(port: number): Promise<number> {
    await new Promise<void>((resolve) =>
      this.server.listen(port, '127.0.0.1', resolve),
    );
    return (this.server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
