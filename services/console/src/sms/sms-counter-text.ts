import { formatCount } from '../format/numbers';

/** The figures of an SMS that the counter shows (from `POST …/sms/preview`). */
export interface SmsFigures {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7, an extension character counts two) or UTF-16 units. */
  units: number;
  segments: number;
}

// The networks' room per part: one part alone, or each part of several
// (the concatenation header takes the rest).
const ROOM = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
} as const;

/** What the parts sent hold in all: 160, 306, 459… or 70, 134, 201… */
function roomFor(figures: SmsFigures): number {
  const room = ROOM[figures.encoding];
  return figures.segments <= 1 ? room.single : figures.segments * room.multi;
}

/**
 * The manual's counter line, e.g. `82 caractère(s) / 160 : 1 sms sera envoyé`
 * or `191 caractère(s) / 306 : 2 sms seront envoyés`.
 */
export function smsCounterText(figures: SmsFigures): string {
  const sent =
    figures.segments > 1
      ? `${figures.segments} sms seront envoyés`
      : `${figures.segments} sms sera envoyé`;
  return `${formatCount(figures.units)} caractère(s) / ${formatCount(roomFor(figures))} : ${sent}`;
}
