import type { EntityManager } from 'typeorm';
import { updateReturning } from './returning';

/**
 * The statements of the retention purge, one bounded batch each, so a
 * first run over years of history never holds a long lock. Messages still
 * `queued` or `sending`, and documents they attach, are left alone.
 */
export const retentionRepository = {
  /** Empties the text of messages queued before `before`; returns how many. */
  async purgeMessageTexts(
    manager: EntityManager,
    before: Date,
    limit: number,
  ): Promise<number> {
    const rows = await updateReturning(
      manager,
      `UPDATE message SET body = '', rendered_text = NULL, subject = NULL
       WHERE id IN (
         SELECT id FROM message
         WHERE body <> '' AND queued_at < $1
           AND status NOT IN ('queued', 'sending')
         LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [before, limit],
    );
    return rows.length;
  },

  /** Empties the text of SMS replies received before `before`. */
  async purgeReplyTexts(
    manager: EntityManager,
    before: Date,
    limit: number,
  ): Promise<number> {
    const rows = await updateReturning(
      manager,
      `UPDATE sms_reply SET text = NULL
       WHERE id IN (
         SELECT id FROM sms_reply
         WHERE text IS NOT NULL AND received_at < $1
         LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [before, limit],
    );
    return rows.length;
  },

  /** Documents stored before `before` that no pending message attaches. */
  async expiredDocuments(
    manager: EntityManager,
    before: Date,
    limit: number,
  ): Promise<{ id: string; storageKey: string }[]> {
    const rows: { id: string; storage_key: string }[] = await manager.query(
      `SELECT d.id, d.storage_key FROM document d
       WHERE d.created_at < $1
         AND NOT EXISTS (
           SELECT 1 FROM message m
           WHERE m.status IN ('queued', 'sending') AND d.id = ANY(m.document_ids))
       ORDER BY d.created_at LIMIT $2`,
      [before, limit],
    );
    return rows.map((row) => ({ id: row.id, storageKey: row.storage_key }));
  },

  async deleteDocuments(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query(`DELETE FROM document WHERE id = ANY($1)`, [ids]);
  },
};
