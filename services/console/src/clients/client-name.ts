import type { Client } from '../api/api-types';

/** "Mme Claire DURAND", as on the client record. */
export function clientName(client: Client): string {
  return [client.civility, client.firstName, client.lastName.toUpperCase()]
    .filter(Boolean)
    .join(' ');
}
