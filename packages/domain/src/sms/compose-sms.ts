import { containsMergeField } from '../render/merge-fields';

/**
 * Transactional SMS (order ready, appointment) never carry the STOP mention;
 * marketing SMS always do.
 */
export type SmsKind = 'transactional' | 'marketing';

/** The pieces of an SMS before merge fields are rendered. */
export interface ComposeSmsInput {
  /** The raw template, merge fields not yet rendered. */
  body: string;
  /**
   * The shop's header, put on every SMS.
   *
   * @defaultValue none
   */
  header?: string;
  /**
   * The shop's signature, put on every SMS.
   *
   * @defaultValue none
   */
  signature?: string;
  /**
   * The opt-out line, e.g. `STOP au 36111`, appended to marketing SMS that
   * do not already use `%stopsms`. Never added to transactional SMS.
   *
   * @defaultValue none
   */
  stopMention?: string;
  /** Whether the STOP mention applies. */
  kind: SmsKind;
}

/**
 * Builds the full text of an SMS, one piece per line: header, body,
 * signature, then the STOP mention for marketing. The result is still a
 * template: render its merge fields afterwards, then count it.
 *
 * @example
 * composeSms({ body: 'Promo -20 %', signature: 'Optique Martin',
 *   stopMention: 'STOP au 36111', kind: 'marketing' })
 * // 'Promo -20 %\nOptique Martin\nSTOP au 36111'
 */
export function composeSms(input: ComposeSmsInput): string {
  const pieces = [input.header, input.body, input.signature];
  const text = pieces.filter(isPresent).join('\n');

  // A `%stopsms` in the header or signature already gives the opt-out.
  const needsStop =
    input.kind === 'marketing' && !containsMergeField(text, 'stopsms');
  if (!needsStop || !isPresent(input.stopMention)) return text;

  return `${text}\n${input.stopMention}`;
}

function isPresent(piece: string | undefined): piece is string {
  return piece !== undefined && piece.trim() !== '';
}
