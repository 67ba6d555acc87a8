import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { foldForSearch } from '@optic/domain';
import { Client } from '../entities/client.entity';
import { Document } from '../entities/document.entity';
import { Message } from '../entities/message.entity';
import { Visit } from '../entities/visit.entity';
import { updateReturning } from './returning';
import type { PageCursor } from './suppression-repository';

/** What a client list is narrowed to; every criterion given must hold. */
export interface ClientSearch {
  /** Folded words (see `searchWords`), each found anywhere in the name. */
  words?: string[];
  /** Exact E.164 mobile. */
  mobile?: string;
  /** Digits found anywhere in the mobile, for a partial number. */
  mobileContains?: string;
  /** Exact normalised e-mail address. */
  email?: string;
}

/** A reply received by SMS, as kept in `sms_reply`. */
export interface SmsReplyRow {
  id: string;
  messageId: string | null;
  number: string;
  text: string | null;
  isStop: boolean;
  receivedAt: Date;
}

/** The outcome of {@link clientRepository.erase}. */
export type Erasure =
  | { status: 'not_found' }
  | { status: 'busy'; sendingMessageIds: string[] }
  | {
      status: 'erased' | 'already_erased';
      /** Store keys of the deleted documents, to delete from the store. */
      documentKeys: string[];
      cancelledMessages: number;
    };

/** The value kept in `client.search_name` for a name. */
export function clientSearchName(
  lastName: string,
  firstName: string | null,
): string {
  return foldForSearch(`${lastName} ${firstName ?? ''}`);
}

export const clientRepository = {
  /** A client of the shop that has not been erased. */
  async findActive(
    manager: EntityManager,
    shopId: string,
    clientId: string,
  ): Promise<Client | null> {
    return manager.findOneBy(Client, {
      id: clientId,
      shopId,
      erasedAt: IsNull(),
    });
  },

  /** Newest first, `limit` clients after `cursor`; erased ones never show. */
  async search(
    manager: EntityManager,
    shopId: string,
    search: ClientSearch,
    cursor: PageCursor | null,
    limit: number,
  ): Promise<Client[]> {
    const query = manager
      .createQueryBuilder(Client, 'c')
      .where('c.shopId = :shopId AND c.erasedAt IS NULL', { shopId });

    // Folded words hold only letters, digits and spaces: no LIKE escapes.
    (search.words ?? []).forEach((word, index) => {
      query.andWhere(`c.searchName LIKE :word${index}`, {
        [`word${index}`]: `%${word}%`,
      });
    });
    if (search.mobile) query.andWhere('c.mobile = :mobile', search);
    if (search.mobileContains) {
      query.andWhere('c.mobile LIKE :digits', {
        digits: `%${search.mobileContains.replace(/\D/g, '')}%`,
      });
    }
    if (search.email) query.andWhere('lower(c.email) = lower(:email)', search);
    if (cursor) query.andWhere('(c.createdAt, c.id) < (:at, :id)', cursor);

    return query
      .orderBy('c.createdAt', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(limit)
      .getMany();
  },

  /**
   * Erases a client's personal data on request, in the caller's
   * transaction. The client row stays (messages, ledger entries, visits and
   * the consent trail point at it) with every personal field emptied;
   * queued messages are cancelled; the history keeps each message with its
   * status, credits and times but no recipient, subject, text or error;
   * replies lose their number and text; documents rows are deleted and
   * their store keys returned. Suppression entries stay: they are what
   * keeps an opted-out address blocked. Refused while a message to the
   * client is being sent.
   */
  async erase(
    manager: EntityManager,
    target: { shopId: string; clientId: string; at: Date },
  ): Promise<Erasure> {
    const client = await manager.findOne(Client, {
      where: { id: target.clientId, shopId: target.shopId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!client) return { status: 'not_found' };
    if (client.erasedAt) {
      return {
        status: 'already_erased',
        documentKeys: [],
        cancelledMessages: 0,
      };
    }

    const sending: { id: string }[] = await manager.query(
      `SELECT id FROM message WHERE client_id = $1 AND status = 'sending'`,
      [client.id],
    );
    if (sending.length > 0) {
      return { status: 'busy', sendingMessageIds: sending.map((m) => m.id) };
    }

    const cancelled = await cancelQueued(manager, client.id, target.at);
    await anonymiseHistory(manager, client.id);
    const documents = await updateReturning<{ storage_key: string }>(
      manager,
      `DELETE FROM document WHERE client_id = $1 RETURNING storage_key`,
      [client.id],
    );
    await emptyClient(manager, client.id, target.at);

    return {
      status: 'erased',
      documentKeys: documents.map((d) => d.storage_key),
      cancelledMessages: cancelled,
    };
  },

  /** A client's messages, newest first. */
  async messagesOf(
    manager: EntityManager,
    clientId: string,
  ): Promise<Message[]> {
    return manager.find(Message, {
      where: { clientId },
      order: { queuedAt: 'DESC', id: 'DESC' },
    });
  },

  async repliesOf(
    manager: EntityManager,
    clientId: string,
  ): Promise<SmsReplyRow[]> {
    const rows: {
      id: string;
      message_id: string | null;
      number: string;
      text: string | null;
      is_stop: boolean;
      received_at: Date;
    }[] = await manager.query(
      `SELECT id, message_id, number, text, is_stop, received_at
       FROM sms_reply WHERE client_id = $1 ORDER BY received_at DESC`,
      [clientId],
    );
    return rows.map((row) => ({
      id: row.id,
      messageId: row.message_id,
      number: row.number,
      text: row.text,
      isStop: row.is_stop,
      receivedAt: row.received_at,
    }));
  },

  async documentsOf(
    manager: EntityManager,
    clientId: string,
  ): Promise<Document[]> {
    return manager.find(Document, {
      where: { clientId },
      order: { createdAt: 'DESC' },
    });
  },

  async visitsOf(manager: EntityManager, clientId: string): Promise<Visit[]> {
    return manager.find(Visit, {
      where: { clientId },
      order: { visitDate: 'DESC', id: 'DESC' },
    });
  },
};

async function cancelQueued(
  manager: EntityManager,
  clientId: string,
  at: Date,
): Promise<number> {
  const rows = await updateReturning(
    manager,
    `UPDATE message SET status = 'cancelled', reason = 'client_erased',
       cancelled_at = $2, updated_at = $2
     WHERE client_id = $1 AND status = 'queued' RETURNING id`,
    [clientId, at],
  );
  return rows.length;
}

// `body` is NOT NULL: an empty string stands for a text no longer held.
async function anonymiseHistory(
  manager: EntityManager,
  clientId: string,
): Promise<void> {
  await manager.query(
    `UPDATE message SET recipient = NULL, subject = NULL, body = '',
       rendered_text = NULL, error = NULL
     WHERE client_id = $1`,
    [clientId],
  );
  // Provider and server replies may quote the address.
  await manager.query(
    `UPDATE message_event SET detail = NULL
     WHERE message_id IN (SELECT id FROM message WHERE client_id = $1)`,
    [clientId],
  );
  // `number` is NOT NULL and part of unique keys that deduplicate provider
  // callbacks: each row gets a placeholder of its own, never the number.
  await manager.query(
    `UPDATE sms_receipt SET number = 'erased-' || id
     WHERE message_id IN (SELECT id FROM message WHERE client_id = $1)`,
    [clientId],
  );
  await manager.query(
    `UPDATE sms_reply SET number = 'erased-' || id, text = NULL
     WHERE client_id = $1`,
    [clientId],
  );
}

async function emptyClient(
  manager: EntityManager,
  clientId: string,
  at: Date,
): Promise<void> {
  await manager.query(
    `UPDATE client SET external_id = NULL, civility = NULL, last_name = '',
       first_name = NULL, mobile = NULL, email = NULL, search_name = '',
       sms_consent = false, sms_consent_at = NULL, sms_consent_source = NULL,
       email_consent = false, email_consent_at = NULL,
       email_consent_source = NULL, erased_at = $2, updated_at = $2
     WHERE id = $1`,
    [clientId, at],
  );
}
