import type { MergeValues } from '@optic/domain';
import type { SendContext } from './channel-handler';

/** The values of the manual's merge fields for one message. */
export function mergeValuesOf(context: SendContext): MergeValues {
  const { shop, client, visit } = context;
  return {
    civilite: client?.civility ?? '',
    nom: client?.lastName ?? '',
    prenom: client?.firstName ?? '',
    datevisite: visit ? new Date(`${visit.visitDate}T12:00:00Z`) : null,
    magasin: shop.name,
    stopsms: shop.smsStopMention ?? '',
    minisite: shop.miniSiteUrl ?? '',
    timeZone: shop.timeZone,
  };
}
