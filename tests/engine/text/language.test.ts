import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectTextLanguage, dominantScript, unsupportedLanguages } from '../../../src/engine/text/language';
import { countNegations, negationMismatch } from '../../../src/engine/text/negation';

const TUTOR = '/usr/share/vim/vim90/tutor';
const haveTutors = fs.existsSync(`${TUTOR}/tutor.es.utf-8`);

describe('language of a text', () => {
  it('names Chinese, Japanese and Korean by their script, even when short', () => {
    expect(detectTextLanguage('今天天气很好')).toEqual({ language: 'zh', script: 'han' });
    expect(detectTextLanguage('我喜欢吃苹果。').language).toBe('zh');
    expect(detectTextLanguage('こんにちは、元気ですか').language).toBe('ja');
    expect(detectTextLanguage('東京に行きました').language).toBe('ja');
    expect(detectTextLanguage('안녕하세요').language).toBe('ko');
    expect(dominantScript('A 中文 mixed text with mostly English words')).toBe('latin');
  });

  it('calls English English, and does not guess on a word or two', () => {
    for (const t of [
      'A man is playing a guitar.',
      'The request must not be approved.',
      'The cat sat on the mat.',
      'The quick brown fox jumps over the lazy dog.',
    ]) {
      expect(detectTextLanguage(t).language, t).toBe('en');
    }
    // tinyld alone calls "hello" Italian: too short to tell.
    expect(detectTextLanguage('hello').language).toBeNull();
    expect(detectTextLanguage('12345 !!!').language).toBeNull();
  });

  it('tells other Latin-script languages in a sentence', () => {
    expect(detectTextLanguage('Der Mann spielt heute Gitarre im Park.').language).toBe('de');
    expect(detectTextLanguage('Le chat dort sur la table de la cuisine.').language).toBe('fr');
  });

  it('lists the languages a model was not trained for; none when its languages are unknown', () => {
    expect(unsupportedLanguages(['今天天气很好', '我喜欢吃苹果。'], ['en'])).toEqual(['zh']);
    expect(unsupportedLanguages(['A man is playing a guitar.', 'A man plays the guitar.'], ['en'])).toEqual([]);
    expect(unsupportedLanguages(['今天天气很好', 'hello'], null)).toEqual([]);
  });

  // Held out from tuning (which used sts12 and Vim's German and French tutors).
  it.skipIf(!haveTutors)('warns on most Spanish and Italian lines of Vim’s tutors and on few English ones', () => {
    const lines = (f: string) =>
      fs
        .readFileSync(`${TUTOR}/${f}`, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => (l.match(/\p{L}+/gu)?.length ?? 0) >= 3 && !/^[~=-]/.test(l));
    const share = (f: string) => {
      const ls = lines(f);
      return ls.filter((l) => unsupportedLanguages([l], ['en']).length > 0).length / ls.length;
    };
    expect(share('tutor.es.utf-8')).toBeGreaterThan(0.7);
    expect(share('tutor.it.utf-8')).toBeGreaterThan(0.7);
    expect(share('tutor.utf-8')).toBeLessThan(0.03);
  });
});

describe('negation mismatch', () => {
  it('flags "must be approved" against "must not be approved", in English and Chinese', () => {
    expect(negationMismatch('The request must be approved.', 'The request must not be approved.')).toBe(true);
    expect(negationMismatch('It is open.', "It isn't open.")).toBe(true);
    expect(negationMismatch('申请必须批准', '申请必须不批准')).toBe(true);
    expect(negationMismatch('A man plays the guitar.', 'A man is playing a guitar.')).toBe(false);
    expect(negationMismatch('He never came.', 'He did not come.')).toBe(false);
  });

  it('does not count Chinese words where the character does not negate', () => {
    expect(countNegations('今天非常热，未来会更热')).toBe(0);
    expect(countNegations('我不去')).toBe(1);
  });
});
