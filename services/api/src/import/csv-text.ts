import iconv from 'iconv-lite';
import { ApiProblem } from '../http/problem';

/** The encodings practice applications export in. */
export const TEXT_ENCODINGS = ['utf-8', 'windows-1252'] as const;

export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

/** One line of the file, without its line break. */
export interface PhysicalLine {
  /** 1 for the header. */
  number: number;
  text: string;
  /** The line was longer than allowed; `text` holds only its start. */
  tooLong: boolean;
}

interface ChunkDecoder {
  write(bytes: Buffer): string;
  end(): string;
}

/**
 * Decodes a byte stream as UTF-8 or Windows-1252, chunk by chunk. Without
 * a declared encoding the first non-ASCII bytes decide: a well-formed UTF-8
 * sequence means UTF-8, anything else Windows-1252 (which Excel and most
 * French practice applications write). Bad UTF-8 later on, UTF-16 or NUL
 * bytes stop the import with a 422 naming the line.
 */
export class TextDecoding {
  encoding: TextEncoding | null;
  private decoder: ChunkDecoder | null;
  private pending: Buffer = Buffer.alloc(0);
  private started = false;
  private newlines = 0;

  constructor(declared?: TextEncoding) {
    this.encoding = declared ?? null;
    this.decoder = declared ? decoderFor(declared) : null;
  }

  async *decode(source: AsyncIterable<Buffer>): AsyncGenerator<string> {
    for await (const chunk of source) {
      const text = this.write(Buffer.from(chunk));
      if (text) yield this.counted(text);
    }
    const rest = this.end();
    if (rest) yield this.counted(rest);
  }

  private write(chunk: Buffer): string {
    const bytes = this.pending.length
      ? Buffer.concat([this.pending, chunk])
      : chunk;
    this.pending = Buffer.alloc(0);
    if (!this.started) {
      this.started = true;
      refuseUtf16(bytes);
    }
    if (this.decoder) return this.decoded(bytes);

    const high = bytes.findIndex((byte) => byte >= 0x80);
    if (high === -1) return bytes.toString('latin1');

    const verdict = utf8SequenceAt(bytes, high);
    if (verdict === 'incomplete') {
      this.pending = Buffer.from(bytes.subarray(high));
      return bytes.subarray(0, high).toString('latin1');
    }
    this.choose(verdict === 'valid' ? 'utf-8' : 'windows-1252');
    return this.decoded(bytes);
  }

  private end(): string {
    // Plain ASCII reads the same in both; bytes that never completed a
    // UTF-8 sequence were not UTF-8.
    if (!this.decoder) {
      this.choose(this.pending.length > 0 ? 'windows-1252' : 'utf-8');
    }
    const rest = this.pending.length ? this.decoded(this.pending) : '';
    return rest + this.guard(() => this.decoder!.end(), Buffer.alloc(0));
  }

  private choose(encoding: TextEncoding): void {
    this.encoding = encoding;
    this.decoder = decoderFor(encoding);
  }

  private decoded(bytes: Buffer): string {
    return this.guard(() => this.decoder!.write(bytes), bytes);
  }

  private guard(decode: () => string, bytes: Buffer): string {
    try {
      return decode();
    } catch {
      // Find the line: decode leniently up to the first replacement.
      const lenient = new TextDecoder('utf-8').decode(bytes);
      const before = lenient.slice(0, Math.max(0, lenient.indexOf('\uFFFD')));
      throw encodingProblem(
        this.newlines + countNewlines(before) + 1,
        'is not valid UTF-8 (declare encoding=windows-1252 if the file is in that encoding)',
      );
    }
  }

  private counted(text: string): string {
    const nul = text.indexOf('\u0000');
    if (nul !== -1) {
      throw encodingProblem(
        this.newlines + countNewlines(text.slice(0, nul)) + 1,
        'holds a NUL byte: this is not a text file',
      );
    }
    this.newlines += countNewlines(text);
    return text;
  }
}

/**
 * Splits decoded text into lines (`\n` or `\r\n`), handing them over a
 * chunk at a time, and keeps memory bounded: a line longer than
 * `maxLength` is cut and flagged.
 */
export async function* physicalLines(
  chunks: AsyncIterable<string>,
  maxLength: number,
): AsyncGenerator<PhysicalLine[]> {
  let buffer = '';
  let number = 1;
  let tooLong = false;

  for await (const chunk of chunks) {
    buffer += chunk;
    const lines: PhysicalLine[] = [];
    let start = 0;
    for (;;) {
      const end = buffer.indexOf('\n', start);
      if (end === -1) break;
      lines.push(line(number, buffer.slice(start, end), tooLong, maxLength));
      number += 1;
      tooLong = false;
      start = end + 1;
    }
    buffer = buffer.slice(start);
    if (buffer.length > maxLength) {
      tooLong = true;
      buffer = buffer.slice(0, maxLength + 1);
    }
    if (lines.length > 0) yield lines;
  }
  if (buffer.length > 0) yield [line(number, buffer, tooLong, maxLength)];
}

function line(
  number: number,
  raw: string,
  alreadyTooLong: boolean,
  maxLength: number,
): PhysicalLine {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const tooLong = alreadyTooLong || text.length > maxLength;
  return { number, text: tooLong ? text.slice(0, 80) : text, tooLong };
}

function decoderFor(encoding: TextEncoding): ChunkDecoder {
  if (encoding === 'windows-1252') {
    const decoder = iconv.getDecoder('windows-1252');
    return { write: (b) => decoder.write(b), end: () => decoder.end() ?? '' };
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return {
    write: (b) => decoder.decode(b, { stream: true }),
    end: () => decoder.decode(),
  };
}

/** Whether a well-formed UTF-8 sequence starts at `index`. */
function utf8SequenceAt(
  bytes: Buffer,
  index: number,
): 'valid' | 'invalid' | 'incomplete' {
  const lead = bytes[index]!;
  const length =
    lead >= 0xc2 && lead <= 0xdf
      ? 2
      : lead >= 0xe0 && lead <= 0xef
        ? 3
        : lead >= 0xf0 && lead <= 0xf4
          ? 4
          : 0;
  if (length === 0) return 'invalid';

  for (let offset = 1; offset < length; offset += 1) {
    const next = bytes[index + offset];
    if (next === undefined) return 'incomplete';
    if (next < 0x80 || next > 0xbf) return 'invalid';
  }
  return 'valid';
}

function refuseUtf16(bytes: Buffer): void {
  const bom = bytes.subarray(0, 2).toString('hex');
  if (bom === 'fffe' || bom === 'feff') {
    throw encodingProblem(
      1,
      'is UTF-16: export the file as UTF-8 or Windows-1252',
    );
  }
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    count += 1;
  }
  return count;
}

function encodingProblem(line: number, message: string): ApiProblem {
  return new ApiProblem(
    422,
    'invalid_encoding',
    `line ${line}: the file ${message}`,
    [{ path: `line.${line}`, message: `the file ${message}` }],
  );
}
