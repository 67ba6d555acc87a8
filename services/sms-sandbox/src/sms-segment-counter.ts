// GSM 03.38 basic character set; anything outside it forces UCS-2.
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);

// Characters of the GSM extension table: each costs an escape septet too.
const GSM_EXTENDED = new Set('€[]{}~^|\\');

const GSM_SINGLE = 160;
const GSM_PART = 153;
const UCS2_SINGLE = 70;
const UCS2_PART = 67;

/**
 * Counts the SMS segments a text needs. Deliberately simple (the product has
 * its own exact counter): septets for GSM-7, UTF-16 units for UCS-2.
 */
export function countSmsSegments(text: string): number {
  const septets = countGsmSeptets(text);

  if (septets === null) {
    return segmentsFor(text.length, UCS2_SINGLE, UCS2_PART);
  }

  return segmentsFor(septets, GSM_SINGLE, GSM_PART);
}

function countGsmSeptets(text: string): number | null {
  let septets = 0;

  for (const char of text) {
    if (GSM_BASIC.has(char)) septets += 1;
    else if (GSM_EXTENDED.has(char)) septets += 2;
    else return null;
  }

  return septets;
}

function segmentsFor(units: number, single: number, part: number): number {
  return units <= single ? 1 : Math.ceil(units / part);
}
