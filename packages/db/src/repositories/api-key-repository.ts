import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { updateReturning } from './returning';

export const API_KEY_ROLES = ['staff', 'manager', 'admin'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** A key as stored and listed: never the secret, never its hash. */
export interface ApiKeyRecord {
  id: string;
  shopId: string | null;
  role: ApiKeyRole;
  prefix: string;
  label: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface NewApiKey {
  /** Null for an admin key, which sees every shop. */
  shopId: string | null;
  role: ApiKeyRole;
  label?: string;
}

/** Characters of the key kept in clear, to tell keys apart in a list. */
const VISIBLE_PREFIX_LENGTH = 10;

/**
 * SHA-256 of a key. A fast hash is right here: the key is 32 random bytes,
 * so there is nothing to guess and no dictionary to slow down (unlike a
 * password); it lets a request find its key with one indexed lookup.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Makes a key and stores its hash; the returned `key` is never seen again. */
export async function createApiKey(
  manager: EntityManager,
  input: NewApiKey,
  now: Date,
): Promise<ApiKeyRecord & { key: string }> {
  const key = `oc_${randomBytes(32).toString('base64url')}`;
  const record: ApiKeyRecord = {
    id: randomUUID(),
    shopId: input.shopId,
    role: input.role,
    prefix: key.slice(0, VISIBLE_PREFIX_LENGTH),
    label: input.label ?? '',
    createdAt: now,
    revokedAt: null,
    lastUsedAt: null,
  };
  await manager.query(
    `INSERT INTO api_key (id, shop_id, role, prefix, hash, label, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      record.id,
      record.shopId,
      record.role,
      record.prefix,
      hashApiKey(key),
      record.label,
      now,
    ],
  );
  return { ...record, key };
}

const COLUMNS = `id, shop_id AS "shopId", role, prefix, label,
  created_at AS "createdAt", revoked_at AS "revokedAt",
  last_used_at AS "lastUsedAt"`;

/** The key a request presents, when it exists and is not revoked. */
export async function findActiveApiKey(
  manager: EntityManager,
  key: string,
): Promise<ApiKeyRecord | null> {
  const rows: ApiKeyRecord[] = await manager.query(
    `SELECT ${COLUMNS} FROM api_key WHERE hash = $1 AND revoked_at IS NULL`,
    [hashApiKey(key)],
  );
  return rows[0] ?? null;
}

/** Stamps the last use, at most once a minute per key to spare writes. */
export async function touchApiKey(
  manager: EntityManager,
  id: string,
  now: Date,
): Promise<void> {
  await manager.query(
    `UPDATE api_key SET last_used_at = $2::timestamptz
     WHERE id = $1
       AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
    [id, now],
  );
}

/** A shop's keys, newest first, revoked ones included. */
export async function listApiKeys(
  manager: EntityManager,
  shopId: string,
): Promise<ApiKeyRecord[]> {
  return manager.query(
    `SELECT ${COLUMNS} FROM api_key WHERE shop_id = $1
     ORDER BY created_at DESC, id`,
    [shopId],
  );
}

/** Revokes a shop's key; null when the shop has no such key. */
export async function revokeApiKey(
  manager: EntityManager,
  shopId: string,
  id: string,
  now: Date,
): Promise<ApiKeyRecord | null> {
  const rows = await updateReturning<ApiKeyRecord>(
    manager,
    `UPDATE api_key SET revoked_at = COALESCE(revoked_at, $3)
     WHERE shop_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [shopId, id, now],
  );
  return rows[0] ?? null;
}

/**
 * Makes an admin key (every shop, shop creation): what
 * `npm run create-admin-key`, the main job and the tests use.
 */
export async function createAdminKey(
  manager: EntityManager,
  label = 'admin',
  now = new Date(),
): Promise<string> {
  const created = await createApiKey(
    manager,
    { shopId: null, role: 'admin', label },
    now,
  );
  return created.key;
}
