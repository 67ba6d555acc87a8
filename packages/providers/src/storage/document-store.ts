import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where document bytes live; rows in `document` hold only the key. */
export interface DocumentStore {
  /** Stores the bytes under a new opaque key and returns it. */
  put(content: Buffer): Promise<string>;
  get(key: string): Promise<Buffer>;
  /** Removes the bytes for good; a key already gone is not an error. */
  delete(key: string): Promise<void>;
}

const KEY_PATTERN = /^[0-9a-f]{2}\/[0-9a-f-]{36}$/;

/**
 * Documents on local disk. Keys are generated here (never from a file name
 * or other user input), so no request can reach outside the root folder.
 */
export class LocalDocumentStore implements DocumentStore {
  constructor(private readonly root: string) {}

  async put(content: Buffer): Promise<string> {
    const id = randomUUID();
    const key = `${id.slice(0, 2)}/${id}`;
    const target = this.pathOf(key);

    await mkdir(path.dirname(target), { recursive: true });
    // Write then rename, so a crash never leaves a half-written document.
    await writeFile(`${target}.part`, content);
    await rename(`${target}.part`, target);
    return key;
  }

  async get(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error('invalid document key');
    return path.join(this.root, key);
  }
}
