/**
 * Which language a text is in, as far as a short text allows, so that a model is not trusted on
 * text it was never trained for (the built-in encoder reads English only: two unrelated Chinese
 * sentences score 0.86 with it).
 *
 * Two steps. The writing system first: a text mostly in Han, kana, Hangul, Greek... characters
 * is named by its script alone, which is certain even for three characters. Other text is given
 * to tinyld, but Latin text only when it has a few words and few common English words: alone,
 * tinyld calls 5-12 % of English STS sentences something else ("hello" -> Italian), and a wrong
 * "not English" warning on English text would teach people to ignore the warning.
 * Measured once with a throwaway script: tuned on sts12 and Vim's German/French tutors; held out,
 * English wrongly warned 1.0 % (stsb-dev), 0.0 % (mrpc-train), 1.1 % (Vim's English tutor),
 * Spanish/Italian/Dutch/Polish tutor lines warned 80/79/76/48 %.
 */
import { detectAll } from 'tinyld';

export type Script = 'latin' | 'han' | 'kana' | 'hangul' | 'cyrillic' | 'greek' | 'arabic' | 'hebrew' | 'devanagari' | 'thai' | 'other' | 'none';

export interface TextLanguage {
  /** ISO 639-1 code, or null when the text is too short or too mixed to tell. */
  language: string | null;
  /** The writing system most of its letters use. */
  script: Script;
}

const SCRIPT_PATTERNS: [Exclude<Script, 'other' | 'none'>, RegExp][] = [
  ['latin', /\p{Script=Latin}/u],
  ['han', /\p{Script=Han}/u],
  ['kana', /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['hangul', /\p{Script=Hangul}/u],
  ['cyrillic', /\p{Script=Cyrillic}/u],
  ['greek', /\p{Script=Greek}/u],
  ['arabic', /\p{Script=Arabic}/u],
  ['hebrew', /\p{Script=Hebrew}/u],
  ['devanagari', /\p{Script=Devanagari}/u],
  ['thai', /\p{Script=Thai}/u],
];

/** Languages a script names on its own (Han with kana is Japanese; see detectTextLanguage). */
const SCRIPT_LANGUAGE: Partial<Record<Script, string>> = { han: 'zh', kana: 'ja', hangul: 'ko', greek: 'el', hebrew: 'he', thai: 'th' };

/** Latin text shorter than this many words is not guessed at (see the header). */
const MIN_LATIN_WORDS = 4;
/** Latin text with at least this share of common English words is English. */
const MIN_ENGLISH_SHARE = 0.1;
const COMMON_ENGLISH = new Set(
  (
    'the a an of and to in is are was were be been it this that for on with as by at from or not no but he she they we you i ' +
    'his her their its have has had do does did will would can could should may must there what which who when where how all ' +
    'any some one two man woman people if then than so up out about into over after more other such only also very just'
  ).split(' '),
);

/** Counts letters per script; the most common script wins (Han and kana together read as Japanese). */
export function dominantScript(text: string): Script {
  const counts = new Map<Script, number>();
  let letters = 0;
  for (const ch of text) {
    if (!/\p{L}/u.test(ch)) continue;
    letters++;
    const found = SCRIPT_PATTERNS.find(([, re]) => re.test(ch));
    const script: Script = found ? found[0] : 'other';
    counts.set(script, (counts.get(script) ?? 0) + 1);
  }
  if (letters === 0) return 'none';
  // Japanese mixes Han and kana; any real share of kana makes it Japanese.
  const kana = counts.get('kana') ?? 0;
  if (kana > 0 && kana + (counts.get('han') ?? 0) >= letters / 2 && kana >= letters * 0.1) return 'kana';
  return [...counts].sort((x, y) => y[1] - x[1])[0]![0];
}

export function detectTextLanguage(text: string): TextLanguage {
  const script = dominantScript(text);
  const byScript = SCRIPT_LANGUAGE[script];
  if (byScript) return { language: byScript, script };
  if (script === 'none' || script === 'other') return { language: null, script };
  const guesses = detectAll(text);
  if (script === 'latin') {
    const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
    if (words.length < MIN_LATIN_WORDS) return { language: null, script };
    const english = words.filter((w) => COMMON_ENGLISH.has(w)).length / words.length;
    // tinyld's second and third guesses often hold the truth on short English text.
    if (english >= MIN_ENGLISH_SHARE || guesses.slice(0, 3).some((g) => g.lang === 'en')) return { language: 'en', script };
  }
  return { language: guesses[0]?.lang ?? null, script };
}

/**
 * The languages among `texts` that a model trained for `modelLanguages` was not trained for,
 * each once, in order of appearance. Empty when the model's languages are unknown (null) or
 * no language could be told.
 */
export function unsupportedLanguages(texts: string[], modelLanguages: readonly string[] | null): string[] {
  if (!modelLanguages) return [];
  const out: string[] = [];
  for (const t of texts) {
    const { language } = detectTextLanguage(t);
    if (language && !modelLanguages.includes(language) && !out.includes(language)) out.push(language);
  }
  return out;
}

/** The languages the built-in base (Universal Sentence Encoder lite) was trained for. */
export const BUILTIN_MODEL_LANGUAGES: readonly string[] = ['en'];
