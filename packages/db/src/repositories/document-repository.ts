import type { EntityManager } from 'typeorm';
import { Document } from '../entities/document.entity';
import type { PageCursor } from './suppression-repository';

/** Whose documents to list: a client's (all), or one visit's. */
export type DocumentOwner = { clientId: string } | { visitId: string };

export const documentRepository = {
  /** Newest first, `limit` documents after `cursor`, of one shop only. */
  async list(
    manager: EntityManager,
    shopId: string,
    owner: DocumentOwner,
    cursor: PageCursor | null,
    limit: number,
  ): Promise<Document[]> {
    const query = manager
      .createQueryBuilder(Document, 'd')
      .where('d.shopId = :shopId', { shopId });

    if ('clientId' in owner) query.andWhere('d.clientId = :clientId', owner);
    else query.andWhere('d.visitId = :visitId', owner);
    if (cursor) query.andWhere('(d.createdAt, d.id) < (:at, :id)', cursor);

    return query
      .orderBy('d.createdAt', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .limit(limit)
      .getMany();
  },

  async findById(
    manager: EntityManager,
    shopId: string,
    id: string,
  ): Promise<Document | null> {
    return manager.findOneBy(Document, { id, shopId });
  },
};
