/**
 * Evidence that two documents say the same things, passage by passage. Whole-document vectors
 * of long texts of one genre (licences, invoices of one template) are all alike; what tells two
 * copies of one licence from two different licences is whether each passage of one has a
 * matching passage in the other.
 */

export interface PassageSide {
  /** Rows of the passages (in the caller's vector matrix / hash list). */
  rows: readonly number[];
  /** Their lengths in characters (the weight of each passage). */
  lengths: readonly number[];
}

export interface Coverage {
  /** Share of a's characters in passages with a match in b, and the reverse. */
  ab: number;
  ba: number;
  /** Best match of each of a's passages that has one: [position in a, position in b, similarity], best first, at most `keepPairs`. */
  pairs: [number, number, number][];
}

/**
 * Passage coverage both ways. `similarity(rowA, rowB)` is 1 for identical passages; a passage
 * is matched when its best similarity on the other side reaches `threshold`, or, with `mutual`,
 * when it and its best match are each other's best at a similarity of at least `mutual` (a
 * document reworded passage by passage: each passage and its rewording pair off).
 */
export function passageCoverage(
  a: PassageSide,
  b: PassageSide,
  similarity: (rowA: number, rowB: number) => number,
  threshold: number,
  keepPairs = 3,
  mutual: number | null = null,
): Coverage {
  const nb = b.rows.length;
  const bestA = new Float64Array(a.rows.length).fill(-Infinity);
  const atA = new Int32Array(a.rows.length).fill(-1);
  const bestB = new Float64Array(nb).fill(-Infinity);
  const atB = new Int32Array(nb).fill(-1);
  a.rows.forEach((ra, i) => {
    b.rows.forEach((rb, j) => {
      const s = similarity(ra, rb);
      if (s > bestA[i]) {
        bestA[i] = s;
        atA[i] = j;
      }
      if (s > bestB[j]) {
        bestB[j] = s;
        atB[j] = i;
      }
    });
  });
  const matchedA = (i: number) => bestA[i] >= threshold || (mutual !== null && bestA[i] >= mutual && atA[i] >= 0 && atB[atA[i]] === i);
  const matchedB = (j: number) => bestB[j] >= threshold || (mutual !== null && bestB[j] >= mutual && atB[j] >= 0 && atA[atB[j]] === j);
  const pairs: [number, number, number][] = [];
  let coveredA = 0;
  let totalA = 0;
  a.rows.forEach((_, i) => {
    totalA += a.lengths[i];
    if (matchedA(i)) {
      coveredA += a.lengths[i];
      pairs.push([i, atA[i], bestA[i]]);
    }
  });
  let coveredB = 0;
  let totalB = 0;
  b.rows.forEach((_, j) => {
    totalB += b.lengths[j];
    if (matchedB(j)) coveredB += b.lengths[j];
  });
  pairs.sort((x, y) => y[2] - x[2]);
  return { ab: totalA > 0 ? coveredA / totalA : 0, ba: totalB > 0 ? coveredB / totalB : 0, pairs: pairs.slice(0, keepPairs) };
}

const NUMBER = /\d+(?:[.,:/-]\d+)*/g;

/** The numbers of a text (amounts, dates, ids), thousands separators removed. */
export function numbersOf(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(NUMBER)) out.add(m[0].replace(/(\d),(?=\d{3}(?:\D|$))/g, '$1'));
  return out;
}

/**
 * Whether two texts state the same numbers: two paraphrases report the same amounts, dates and
 * ids; two invoices of one template, or two news items of one kind, do not. Texts without
 * numbers on either side agree. Returns the counts shared / in either, and the verdict
 * (at least half of all numbers shared).
 */
export function numbersAgree(a: string, b: string, minShare = 0.5): { shared: number; total: number; agree: boolean } {
  const na = numbersOf(a);
  const nb = numbersOf(b);
  let shared = 0;
  for (const n of na) if (nb.has(n)) shared++;
  const total = na.size + nb.size - shared;
  return { shared, total, agree: na.size === 0 || nb.size === 0 || shared / total >= minShare };
}
