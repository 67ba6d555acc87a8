import type { MergeValues } from '@optic/domain';
import type { SendContext } from './channel-handler';
import { mergeValuesFor } from './render-sms';

/** The values of the manual's merge fields for one message. */
export function mergeValuesOf(context: SendContext): MergeValues {
  return mergeValuesFor(context.shop, context.client, context.visit);
}
