import type { EntityManager } from 'typeorm';

/**
 * Who a campaign is for. Criteria combine as a union: a client matching
 * any of them is in the audience (each client once).
 */
export interface AudienceDefinition {
  /** Every client of the shop. */
  all?: boolean;
  /** Contact-lens clients whose last box runs out within this many days. */
  lensRenewalWithinDays?: number;
  /** Clients whose glasses or repair became ready and were not told yet. */
  readyNotTold?: boolean;
  /** Clients with no visit for this many months. */
  noVisitForMonths?: number;
  /** These clients. */
  clientIds?: string[];
}

export type ExclusionReason = 'no_consent' | 'no_recipient' | 'suppressed';

export interface AudienceMember {
  clientId: string;
  /** The visit whose date `%datevisite` shows. */
  visitId: string | null;
  /** Why the client gets nothing, or null when included. */
  excluded: ExclusionReason | null;
}

/** What one page of an audience is read with. */
export interface AudiencePageQuery {
  shopId: string;
  channel: 'sms' | 'email';
  audience: AudienceDefinition;
  today: string;
  afterId: string | null;
  limit: number;
}

interface AudienceRow {
  id: string;
  visit_id: string | null;
  excluded: ExclusionReason | null;
}

/**
 * One page of the audience, in client id order after `afterId`, read with a
 * keyset cursor so that memory stays flat whatever the audience's size.
 * `today` is the shop's local date (`yyyy-mm-dd`).
 */
export async function audiencePage(
  manager: EntityManager,
  query: AudiencePageQuery,
): Promise<AudienceMember[]> {
  const rows: AudienceRow[] = await manager.query(
    audienceSql(query.channel),
    audienceParameters(query),
  );

  return rows.map((row) => ({
    clientId: row.id,
    visitId: row.visit_id,
    excluded: row.excluded,
  }));
}

/**
 * The page's query: the channel picks the contact and consent columns, the
 * rest comes in as parameters (see `audienceParameters` for their order).
 */
function audienceSql(channel: 'sms' | 'email'): string {
  const contact = channel === 'sms' ? 'mobile' : 'email';
  const consent = channel === 'sms' ? 'sms_consent' : 'email_consent';
  return `WITH lens AS (
       SELECT DISTINCT ON (client_id) client_id, id, visit_date + lens_box_days AS runs_out
       FROM visit WHERE shop_id = $1 AND kind = 'contact_lenses' AND lens_box_days IS NOT NULL
       ORDER BY client_id, visit_date DESC, id DESC
     )
     SELECT c.id,
       coalesce(
         CASE WHEN $5::int IS NOT NULL THEN (SELECT l.id FROM lens l WHERE l.client_id = c.id) END,
         (SELECT v.id FROM visit v WHERE v.client_id = c.id ORDER BY v.visit_date DESC, v.id DESC LIMIT 1)
       ) AS visit_id,
       CASE
         WHEN NOT c.${consent} THEN 'no_consent'
         WHEN c.${contact} IS NULL THEN 'no_recipient'
         WHEN EXISTS (SELECT 1 FROM suppression s WHERE s.shop_id = c.shop_id
                      AND s.channel = $2 AND s.address = c.${contact}) THEN 'suppressed'
       END AS excluded
     FROM client c
     WHERE c.shop_id = $1 AND ($3::uuid IS NULL OR c.id > $3)
       AND (
         $4::boolean
         OR c.id = ANY($8::uuid[])
         OR ($5::int IS NOT NULL AND EXISTS (
               SELECT 1 FROM lens l WHERE l.client_id = c.id
               AND l.runs_out BETWEEN $9::date AND $9::date + $5::int))
         OR ($6::boolean AND EXISTS (
               SELECT 1 FROM visit v WHERE v.client_id = c.id AND v.status = 'ready'
               AND NOT EXISTS (SELECT 1 FROM message m WHERE m.visit_id = v.id
                               AND m.status IN ('sent', 'delivered'))))
         OR ($7::int IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM visit v WHERE v.client_id = c.id
               AND v.visit_date > $9::date - make_interval(months => $7::int)))
       )
     ORDER BY c.id LIMIT $10`;
}

/** `$1` to `$10` of `audienceSql`. */
function audienceParameters(query: AudiencePageQuery): unknown[] {
  const a = query.audience;
  return [
    query.shopId,
    query.channel,
    query.afterId,
    a.all === true,
    a.lensRenewalWithinDays ?? null,
    a.readyNotTold === true,
    a.noVisitForMonths ?? null,
    a.clientIds ?? [],
    query.today,
    query.limit,
  ];
}
