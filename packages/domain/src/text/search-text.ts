// Letters that Unicode decomposition leaves whole but French writes as two.
const LIGATURES: Record<string, string> = {
  œ: 'oe',
  æ: 'ae',
  ß: 'ss',
  ø: 'o',
  ł: 'l',
  đ: 'd',
};

/**
 * Folds a name for searching: lower case, accents and ligatures removed,
 * apostrophes and hyphens dropped (so `d'artagnan` meets `dartagnan` and
 * `jean-pierre` meets `jeanpierre`), any other punctuation turned into one
 * space. The same fold is applied to what is stored and what is typed, so
 * `helene` finds `Hélène` and `COEUR` finds `Cœur`.
 *
 * @example foldForSearch("  Hélène D'Œuf-Müller ") // 'helene doeufmuller'
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[œæßøłđ]/g, (letter) => LIGATURES[letter] ?? letter)
    .replace(/['’ʼ`´\-‐‑–]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The words of a typed search, folded; empty when nothing searchable is left. */
export function searchWords(typed: string): string[] {
  const folded = foldForSearch(typed);
  return folded === '' ? [] : folded.split(' ');
}
