import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import { Shop } from '@optic/db';
import type { ApiContext } from '../api-context';
import { apiKeyOf } from '../auth/authenticate';
import { ApiProblem } from '../http/problem';

const uuid = z.uuid();

/**
 * Loads the shop named in the path, or answers 404 (also when the caller's
 * key belongs to another shop); later routes read it.
 */
export function loadShop(context: ApiContext): RequestHandler {
  return async (req, res, next) => {
    const shopId = String(req.params.shopId);
    if (!uuid.safeParse(shopId).success)
      throw ApiProblem.notFound('shop', 'shopId');
    // Another shop's key gets the answer of an unknown shop: it learns nothing.
    const key = apiKeyOf(res);
    if (key.shopId !== null && key.shopId !== shopId)
      throw ApiProblem.notFound('shop', 'shopId');

    const shop = await context.dataSource.manager.findOneBy(Shop, {
      id: shopId,
    });
    if (!shop) throw ApiProblem.notFound('shop', 'shopId');

    res.locals.shop = shop;
    next();
  };
}

export function shopOf(res: Response): Shop {
  return res.locals.shop as Shop;
}
