import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';

export interface IncomingReply {
  shopId: string;
  clientId: string | null;
  messageId: string | null;
  number: string;
  text: string | null;
  isStop: boolean;
  receivedAt: Date;
}

export interface ReplyRow {
  id: string;
  clientId: string | null;
  messageId: string | null;
  number: string;
  text: string | null;
  isStop: boolean;
  receivedAt: Date;
}

/** SMS replies, kept in the client's history for the shop to read. */
export const replyRepository = {
  /** Stores a reply; a repeated callback of the same reply is a no-op. */
  async record(manager: EntityManager, reply: IncomingReply): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO sms_reply (id, shop_id, client_id, message_id, number, text, is_stop, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (shop_id, number, received_at, is_stop) DO NOTHING RETURNING id`,
      [
        randomUUID(),
        reply.shopId,
        reply.clientId,
        reply.messageId,
        reply.number,
        reply.text,
        reply.isStop,
        reply.receivedAt,
      ],
    );
    return rows.length > 0;
  },

  /** Newest first. */
  async list(
    manager: EntityManager,
    shopId: string,
    clientId: string | null,
    limit: number,
  ): Promise<ReplyRow[]> {
    return manager.query(
      `SELECT id, client_id AS "clientId", message_id AS "messageId", number, text,
              is_stop AS "isStop", received_at AS "receivedAt"
       FROM sms_reply WHERE shop_id = $1 AND ($2::uuid IS NULL OR client_id = $2)
       ORDER BY received_at DESC, id DESC LIMIT $3`,
      [shopId, clientId, limit],
    );
  },

  /**
   * Where an inbound SMS belongs: the send it answers (Octopush gives its
   * ticket), or else every shop that has written to that number.
   */
  async origins(
    manager: EntityManager,
    providerId: string | null,
    number: string,
  ): Promise<
    { shopId: string; clientId: string | null; messageId: string | null }[]
  > {
    if (providerId) {
      const rows: {
        shopId: string;
        clientId: string | null;
        messageId: string;
      }[] = await manager.query(
        `SELECT shop_id AS "shopId", client_id AS "clientId", id AS "messageId"
         FROM message WHERE provider = 'octopush' AND provider_id = $1 LIMIT 1`,
        [providerId],
      );
      if (rows.length > 0) return rows;
    }
    return manager.query(
      `SELECT DISTINCT ON (shop_id) shop_id AS "shopId", client_id AS "clientId", NULL AS "messageId"
       FROM message WHERE channel = 'sms' AND recipient = $1
       ORDER BY shop_id, queued_at DESC`,
      [number],
    );
  },
};
