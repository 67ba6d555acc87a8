import { countSmsSegments } from '@optic/sms-sandbox';

describe('countSmsSegments', () => {
  it.each([
    ['a short GSM text', 'Vos lunettes sont prêtes'.replace('ê', 'e'), 1],
    ['160 GSM characters', 'a'.repeat(160), 1],
    ['161 GSM characters', 'a'.repeat(161), 2],
    ['306 GSM characters', 'a'.repeat(306), 2],
    ['307 GSM characters', 'a'.repeat(307), 3],
    ['80 euro signs, two septets each', '€'.repeat(80), 1],
    ['81 euro signs', '€'.repeat(81), 2],
    ['accents of the GSM set', 'éèùìòàÄÖÑÜäöñü'.repeat(10), 1],
    ['70 characters with one outside GSM', 'ê'.padEnd(70, 'a'), 1],
    ['71 characters with one outside GSM', 'ê'.padEnd(71, 'a'), 2],
    ['134 UCS-2 characters', 'ê'.repeat(134), 2],
    ['135 UCS-2 characters', 'ê'.repeat(135), 3],
    ['an emoji, two UTF-16 units', '👓'.repeat(35), 1],
    ['36 emoji', '👓'.repeat(36), 2],
  ])('counts %s', (_case, text, segments) => {
    expect(countSmsSegments(text)).toBe(segments);
  });
});
