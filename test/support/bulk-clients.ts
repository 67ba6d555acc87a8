import type { DataSource } from 'typeorm';

/**
 * Writes `count` clients straight into the database (setting up thousands
 * through the API would take most of a test's time). Every `noConsentEvery`
 * th client has not agreed to SMS. Mobiles are +3361000000n.
 */
export async function insertClients(
  dataSource: DataSource,
  shopId: string,
  count: number,
  options: { noConsentEvery?: number; firstName?: string } = {},
): Promise<void> {
  await dataSource.query(
    `INSERT INTO client (id, shop_id, civility, last_name, first_name, mobile, email,
       sms_consent, sms_consent_at, sms_consent_source, email_consent, created_at, updated_at)
     SELECT gen_random_uuid(), $1, 'Mme', 'Client ' || n, $4,
            '+3361' || lpad(n::text, 7, '0'), 'client' || n || '@example.org',
            ($3 = 0 OR n % $3 <> 0), now(), 'in_shop', true, now(), now()
     FROM generate_series(1, $2) AS n`,
    [shopId, count, options.noConsentEvery ?? 0, options.firstName ?? 'Claire'],
  );
}
