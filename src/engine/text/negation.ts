/**
 * Whether one of two texts negates what the other asserts. Sentence encoders read "must be
 * approved" and "must not be approved" as near-identical (0.95 with the built-in model), so a
 * paraphrase verdict on such a pair needs a plain warning. This only counts negation words
 * (English and Chinese); it cannot tell a double negative from a single one, so it is a hint
 * to read the texts, never a verdict of its own.
 */

const ENGLISH_NEGATIONS = new Set(['not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'nowhere', 'without', 'cannot', 'hardly', 'barely']);
/** Chinese negation characters (不 没 無/无 非 未 别 勿 否 莫). */
const CHINESE_NEGATION = /[不没沒无無非未别別勿否莫]/gu;
const CHINESE_NOT_NEGATING = /非常|未来|未來|无论|無論|不仅|不僅|不但|不过|不過|别人|別人|别的|別的|否则|否則|莫名/gu;

/** How many negation words or characters a text holds ("isn't" and "can't" count). */
export function countNegations(text: string): number {
  const lower = text.toLowerCase().replace(/[’`]/g, "'");
  let n = 0;
  for (const word of lower.match(/[\p{L}']+/gu) ?? []) {
    if (ENGLISH_NEGATIONS.has(word) || word.endsWith("n't")) n++;
  }
  // Words where the character does not negate: 非常 (very), 未来 (future), 无论 (whatever)...
  n += lower.replace(CHINESE_NOT_NEGATING, '').match(CHINESE_NEGATION)?.length ?? 0;
  return n;
}

/** True when the two texts hold a different number of negations. */
export function negationMismatch(a: string, b: string): boolean {
  return countNegations(a) !== countNegations(b);
}
