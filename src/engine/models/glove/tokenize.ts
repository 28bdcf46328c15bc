/**
 * Tokenisation close to what GloVe 6B was trained on (Wikipedia + Gigaword through the Stanford
 * tokenizer, lower-cased): words, numbers and punctuation marks are separate tokens, clitics are
 * split the Penn Treebank way ("don't" -> "do" "n't", "it's" -> "it" "'s"), hyphenated and dotted
 * compounds are kept whole when GloVe knows them ("cross-country", "u.s.") and split otherwise.
 * Words GloVe does not know are skipped.
 */

const TOKEN = /[\p{L}\p{N}]+(?:[-.'&/][\p{L}\p{N}]+)*\.?|[^\s\p{L}\p{N}]/gu;
const CLITIC = /^(.+?)(n't|'s|'re|'ve|'ll|'d|'m)$/;
const COMPOUND_SPLIT = /[-.'&/]|[\p{L}\p{N}]+/gu;

/** Surface tokens, lower-cased, before vocabulary look-up. */
export function gloveSurfaceTokens(text: string): string[] {
  const lower = String(text ?? '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u201c\u201d]/g, '"');
  return lower.match(TOKEN) ?? [];
}

/** Vocabulary ids of a text's tokens (unknown tokens skipped); `index` maps word -> rank. */
export function gloveTokenIds(text: string, index: ReadonlyMap<string, number>): number[] {
  const ids: number[] = [];
  const push = (t: string): boolean => {
    const id = index.get(t);
    if (id === undefined) return false;
    ids.push(id);
    return true;
  };
  const pushParts = (t: string) => {
    for (const part of t.match(COMPOUND_SPLIT) ?? []) push(part);
  };
  for (const token of gloveSurfaceTokens(text)) {
    if (push(token)) continue;
    // "u.s." is a word; "end." at a sentence end is "end" + "."
    if (token.length > 1 && token.endsWith('.') && push(token.slice(0, -1))) {
      push('.');
      continue;
    }
    const clitic = CLITIC.exec(token);
    if (clitic) {
      // The clitic counts even when its stem is unknown ("n't" is a negation).
      if (!push(clitic[1]!)) pushParts(clitic[1]!);
      push(clitic[2]!);
      continue;
    }
    pushParts(token);
  }
  return ids;
}
