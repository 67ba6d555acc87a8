import type { DataSource, EntityManager } from 'typeorm';
import { importClientBatch, lockShopImports } from '@optic/db';
import type { ImportedClient, Shop } from '@optic/db';
import { ApiProblem } from '../http/problem';
import { checkLine, readHeader, splitLines } from './client-csv';
import type { CsvLayout, LineRejection } from './client-csv';
import { physicalLines, TextDecoding } from './csv-text';
import type { PhysicalLine, TextEncoding } from './csv-text';

export interface ClientImportOptions {
  /** Omitted: read from the first non-ASCII bytes. */
  encoding?: TextEncoding;
  /** Recorded on consent and visit status events. */
  actor: string;
  now: Date;
}

/** What `POST …/clients/import` answers. */
export interface ClientImportReport {
  encoding: TextEncoding;
  delimiter: string;
  /** Data lines read (the header and blank lines aside). */
  lines: number;
  /** Lines that created a client. */
  imported: number;
  /** Lines that matched a client already known by its external id. */
  updated: number;
  visits: { created: number; updated: number };
  rejectedLines: number;
  /** One entry per bad field, the first {@link MAX_REPORTED} of them. */
  rejected: LineRejection[];
  rejectedTruncated: boolean;
}

// Lines split by csv-parse in one call, and lines written per batch of
// multi-row statements: memory stays flat whatever the file's size.
const GROUP_LINES = 500;
const BATCH_LINES = 1000;
const MAX_LINE_CHARS = 16_384;
const MAX_REPORTED = 1000;

/**
 * Imports a CSV of clients and visits as a practice application exports
 * it, streaming: lines are decoded, split, checked and written in batches
 * inside one transaction, so a fatal error (wrong header, bad encoding, a
 * broken upload) leaves nothing behind, while a bad line is refused alone,
 * with its number and the field at fault.
 */
export async function importClients(
  dataSource: DataSource,
  shop: Shop,
  source: AsyncIterable<Buffer>,
  options: ClientImportOptions,
): Promise<ClientImportReport> {
  return dataSource.transaction(async (manager) => {
    await lockShopImports(manager, shop.id);
    const decoding = new TextDecoding(options.encoding);
    const run = new ImportRun(manager, shop, options);

    for await (const lines of physicalLines(
      decoding.decode(source),
      MAX_LINE_CHARS,
    )) {
      for (const line of lines) await run.add(line);
    }
    return run.finish(decoding.encoding ?? 'utf-8');
  });
}

class ImportRun {
  private layout: CsvLayout | null = null;
  private group: PhysicalLine[] = [];
  private batch: ImportedClient[] = [];
  // A line's bad fields come together, and a line refused at write time
  // passed its checks: counting changes of line counts each line once.
  private rejectedLines = 0;
  private lastRejectedLine = 0;
  private readonly counts = {
    lines: 0,
    imported: 0,
    updated: 0,
    visits: { created: 0, updated: 0 },
  };
  private readonly rejected: LineRejection[] = [];
  private rejectedCount = 0;

  constructor(
    private readonly manager: EntityManager,
    private readonly shop: Shop,
    private readonly options: ClientImportOptions,
  ) {}

  async add(line: PhysicalLine): Promise<void> {
    if (!line.tooLong && line.text.trim() === '') return;
    if (!this.layout) {
      this.layout = readHeader(line);
      return;
    }
    this.counts.lines += 1;
    if (line.tooLong) {
      this.reject({
        line: line.number,
        field: '(line)',
        reason: `longer than ${MAX_LINE_CHARS} characters`,
      });
      return;
    }
    this.group.push(line);
    if (this.group.length >= GROUP_LINES) await this.checkGroup();
  }

  async finish(encoding: TextEncoding): Promise<ClientImportReport> {
    if (!this.layout) {
      throw new ApiProblem(422, 'invalid_header', 'the file is empty', [
        { path: 'file', message: 'empty: a header line is required' },
      ]);
    }
    await this.checkGroup();
    await this.write();
    this.rejected.sort((a, b) => a.line - b.line);
    return {
      encoding,
      delimiter: this.layout.delimiter,
      ...this.counts,
      rejectedLines: this.rejectedLines,
      rejected: this.rejected,
      rejectedTruncated: this.rejectedCount > this.rejected.length,
    };
  }

  private async checkGroup(): Promise<void> {
    const layout = this.layout!;
    for (const split of splitLines(this.group, layout.delimiter)) {
      if (!('fields' in split)) {
        this.reject(split);
        continue;
      }
      const checked = checkLine(this.shop, layout, split.line, split.fields);
      if (Array.isArray(checked)) checked.forEach((r) => this.reject(r));
      else this.batch.push(checked);
    }
    this.group = [];
    if (this.batch.length >= BATCH_LINES) await this.write();
  }

  private async write(): Promise<void> {
    if (this.batch.length === 0) return;
    const result = await importClientBatch(
      this.manager,
      {
        shopId: this.shop.id,
        actor: this.options.actor,
        at: this.options.now,
      },
      this.batch,
    );
    this.batch = [];
    this.counts.imported += result.imported;
    this.counts.updated += result.updated;
    this.counts.visits.created += result.visitsCreated;
    this.counts.visits.updated += result.visitsUpdated;
    for (const rejection of result.rejected) {
      this.reject({
        ...rejection,
        field: this.layout!.nameOf.visitExternalId ?? 'id_visite',
      });
    }
  }

  private reject(rejection: LineRejection): void {
    if (rejection.line !== this.lastRejectedLine) this.rejectedLines += 1;
    this.lastRejectedLine = rejection.line;
    this.rejectedCount += 1;
    if (this.rejected.length < MAX_REPORTED) this.rejected.push(rejection);
  }
}
