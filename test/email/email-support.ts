import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { ReceivedMail } from '../support/smtp-test-server';
import type { TestStack } from '../support/test-stack';
import { getMessage } from '../support/api-fixtures';
import { waitFor } from '../support/wait-for';

/**
 * A shop's own SMTP server for tests: loopback only, no STARTTLS, and a
 * login required (AUTH PLAIN or LOGIN over the plain connection). Keeps
 * every message it accepts and every login it was offered.
 */
export class AuthSmtpServer {
  readonly received: ReceivedMail[] = [];
  readonly logins: { user: string; ok: boolean }[] = [];
  private readonly server: SMTPServer;
  port = 0;

  constructor(
    private readonly user: string,
    private readonly password: string,
  ) {
    this.server = new SMTPServer({
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      // Without this, smtp-server asks the machine's DNS about each client.
      disableReverseLookup: true,
      logger: false,
      onAuth: (auth, _session, callback) => {
        const ok =
          auth.username === this.user && auth.password === this.password;
        this.logins.push({ user: auth.username ?? '', ok });
        if (!ok) {
          return callback(
            Object.assign(
              new Error('5.7.8 Authentication credentials invalid'),
              {
                responseCode: 535,
              },
            ),
          );
        }
        callback(null, { user: auth.username });
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
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
      },
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port on loopback where nothing listens (connections are refused). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Upload {
  clientId: string;
  visitId?: string;
  type?: string;
  name: string;
  content: Buffer;
}

/** Posts a document the way the console's "Ajouter..." does. */
export async function upload(
  stack: TestStack,
  shopId: string,
  file: Upload,
): Promise<{ status: number; data: Record<string, unknown> }> {
  const form = new FormData();
  form.append('clientId', file.clientId);
  if (file.visitId) form.append('visitId', file.visitId);
  if (file.type) form.append('type', file.type);
  form.append('file', new Blob([file.content]), file.name);
  const response = await fetch(`${stack.apiUrl}/v1/shops/${shopId}/documents`, {
    method: 'POST',
    body: form,
    headers: { authorization: stack.authorization },
  });
  return {
    status: response.status,
    data: (await response.json()) as Record<string, unknown>,
  };
}

export async function uploadOk(
  stack: TestStack,
  shopId: string,
  file: Upload,
): Promise<string> {
  const response = await upload(stack, shopId, file);
  if (response.status !== 201) {
    throw new Error(
      `upload: ${response.status} ${JSON.stringify(response.data)}`,
    );
  }
  return String(response.data.id);
}

export async function createVisit(
  stack: TestStack,
  shopId: string,
  clientId: string,
): Promise<string> {
  const response = await stack.api.post(`/v1/shops/${shopId}/visits`, {
    clientId,
    kind: 'glasses',
    visitDate: '2026-11-20',
    status: 'ready',
  });
  if (response.status !== 201) {
    throw new Error(
      `visit: ${response.status} ${JSON.stringify(response.data)}`,
    );
  }
  return response.data.id;
}

const FINAL = ['sent', 'failed', 'rejected', 'unknown', 'cancelled'];

/** Waits until the message reaches a final state (or `sent`) and returns it. */
export async function settled(
  stack: TestStack,
  shopId: string,
  id: string,
): Promise<Awaited<ReturnType<typeof getMessage>>> {
  return waitFor(
    async () => {
      const message = await getMessage(stack.api, shopId, id);
      return FINAL.includes(message.status) ? message : undefined;
    },
    { what: `message ${id} to settle` },
  );
}

/** The mail a server received for a message, found by its Message-ID. */
export function mailFor(
  received: ReceivedMail[],
  messageId: string,
): ReceivedMail[] {
  return received.filter((mail) =>
    (mail.parsed.messageId ?? '').startsWith(`<${messageId}@`),
  );
}

/** Small but real files of each kind shops send. */
export const FILES = {
  pdf: Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  ),
  png: Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  ),
  jpeg: Buffer.from(
    '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
    'base64',
  ),
  gif: Buffer.from(
    'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7',
    'base64',
  ),
  webp: Buffer.concat([
    Buffer.from('RIFF'),
    Buffer.from([0x1a, 0, 0, 0]),
    Buffer.from('WEBPVP8L'),
    Buffer.from([
      0x0d, 0, 0, 0, 0x2f, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88,
      0xfe, 0x07, 0,
    ]),
  ]),
  heic: Buffer.concat([
    Buffer.from([0, 0, 0, 0x18]),
    Buffer.from('ftypheic'),
    Buffer.from([0, 0, 0, 0]),
    Buffer.from('mif1heic'),
    Buffer.alloc(32),
  ]),
  docx: storedZip([
    ['[Content_Types].xml', '<?xml version="1.0"?><Types/>'],
    ['word/document.xml', '<?xml version="1.0"?><w:document/>'],
  ]),
  text: Buffer.from('Ordonnance du 21/01/2022 : OD -1,25 ; OG -1,50\n'),
  exe: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]),
  html: Buffer.from('<html><body><script>alert(1)</script></body></html>'),
  zip: storedZip([['virus.exe', 'MZ...']]),
};

/** A zip archive with stored (uncompressed) entries, enough for sniffing. */
export function storedZip(entries: [string, string][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const nameBytes = Buffer.from(name);
    const data = Buffer.from(text);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
