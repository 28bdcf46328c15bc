import { describe, expect, it } from 'vitest';
import { en } from '../../src/renderer/src/i18n/en';
import { zh } from '../../src/renderer/src/i18n/zh';
import { skipReasonCode } from '../../src/engine/text/skipReason';
import { SKIP_CODES } from '../../src/shared/shellApi';
import { ClientError } from '../../src/renderer/src/lib/client';
import { humanError } from '../../src/renderer/src/lib/humanError';
import { jobErrorText, jobNoteText, jobStageText, skipReasonText, trainStageText } from '../../src/renderer/src/lib/shell/messages';

const CJK = /[\u4e00-\u9fff]/;

describe('engine texts for people, in both languages', () => {
  it('known job and run errors (stored as English text) are said in the app language; unknown ones are kept', () => {
    const interrupted = 'Interrupted: the app stopped during training. Resume it to continue from its last checkpoint.';
    expect(jobErrorText(interrupted, en)).toBe(en.shell.errors.job.interrupted);
    expect(jobErrorText(interrupted, zh)).toMatch(CJK);
    expect(jobErrorText('Paused by the user; it can be resumed.', zh)).toBe(zh.shell.errors.job.paused);
    expect(jobErrorText('The corpus has 2 usable sentence(s); training needs at least 3. Add documents with more text.', zh)).toBe(
      zh.shell.errors.job.tooFewSentences('2'),
    );
    const crash = 'the training worker stopped without finishing (exit code 134)';
    expect(jobErrorText(crash, en)).toBe(crash);
    expect(jobErrorText(crash, zh)).toContain('exit code 134');
    expect(jobErrorText(crash, zh)).toMatch(CJK);
    expect(jobErrorText('something new', zh)).toBe('something new');
    expect(jobErrorText(null, en)).toBeNull();
  });

  it('skip reasons: English keeps the engine’s words, Chinese words the engine’s code (no English left)', () => {
    const say = (reason: string, m: typeof en) => skipReasonText(reason, skipReasonCode(reason), m);
    expect(say('binary file (.dat)', en)).toBe('binary file (.dat)');
    expect(say('binary file (.dat)', zh)).toBe('不是文本文件（二进制，.dat）');
    expect(say('binary file (PNG image)', zh)).toBe('不是文本文件（PNG 图片）');
    expect(say('binary file (legacy Office document (.doc/.xls/.ppt))', zh)).toBe('不是文本文件（旧版 Office 文档（.doc/.xls/.ppt））');
    expect(say('too large (2048 MB > 50 MB limit)', zh)).toBe('文件太大（2048 MB，上限 50 MB）');
    expect(say('symbolic link (not followed)', zh)).toBe('链接（不跟随）');
    expect(say('empty file', zh)).toBe('空文件');
    expect(say('cannot be read (EIO)', zh)).toContain('EIO');
    for (const code of SKIP_CODES.filter((c) => c !== 'other')) {
      const text = zh.shell.errors.skipReason({ code }, 'english words');
      expect([code, text]).toEqual([code, expect.stringMatching(CJK)]);
      expect(text).not.toContain('english words');
    }
    // A reason without a code (an older engine, or one nobody coded) is shown as written: nothing is hidden.
    expect(skipReasonText('a reason nobody wrote a rule for', { code: 'other' }, zh)).toBe('a reason nobody wrote a rule for');
    expect(skipReasonText('empty file', undefined, zh)).toBe('empty file');
  });

  it('training stages in plain words', () => {
    expect(trainStageText('cycle 1/2: bi->cross', en)).toBe(en.shell.train.stages['bi->cross']);
    expect(trainStageText('cycle 2/2: cross->bi (use-lite)', zh)).toBe(zh.shell.train.stages['cross->bi']);
    expect(trainStageText('cycle 1: scoring pairs with the bi-encoder', en)).toBe(en.shell.train.stages.scoring);
    expect(trainStageText('mining pairs: embedding 40 sentences', zh)).toBe(zh.shell.train.stages.mining);
    expect(trainStageText('something else', en)).toBe('something else');
  });

  it('the stages every job card shows (reading a folder, a duplicate scan, comparing models) are said in the app language', () => {
    // The stages the engine writes (corpus/indexFolderCorpus.ts, dedup/scan/types.ts DedupStage, api/modelHandlers.ts).
    const stages = [
      'starting',
      'listing files',
      'reading documents',
      'listing',
      'reading',
      'signatures',
      'candidates',
      'embedding',
      'near',
      'semantic',
      'rescoring',
      'clustering',
      'saving',
      'comparing',
    ];
    for (const stage of stages) {
      expect(jobStageText(stage, zh)).toMatch(CJK);
      expect(jobStageText(stage, en)).not.toBe(stage);
    }
    expect(jobStageText('scoring 1200 pairs with model 2 of 3', en)).toBe('Scoring 1,200 pairs with model 2 of 3');
    expect(jobStageText('scoring 1200 pairs with model 2 of 3', zh)).toMatch(/^正在用第 2 个模型（共 3 个）为 1,200 个句对打分$/);
    expect(jobStageText('scoring 40 pairs', zh)).toMatch(CJK);
    expect(jobNoteText('passages', zh)).toBe('段落');
    // Unknown texts are shown as written: nothing is hidden.
    expect(jobStageText('a stage nobody named', zh)).toBe('a stage nobody named');
    expect(jobNoteText('backend: wasm', zh)).toBe('backend: wasm');
    // Every job kind has a name in both catalogues.
    for (const kind of ['corpus.index', 'train', 'eval', 'dedup', 'compare']) expect(zh.jobs.kind[kind]).toMatch(CJK);
  });

  it('engine error codes get a lead sentence in Chinese; English shows the engine sentence', () => {
    const conflict = new ClientError('conflict', 'A corpus named "x" already exists; choose another name.');
    expect(humanError(conflict, en)).toBe('A corpus named "x" already exists; choose another name.');
    expect(humanError(conflict, zh)).toBe(`${zh.shell.errors.code.conflict}（详情：A corpus named "x" already exists; choose another name.）`);
    expect(humanError(new ClientError('not_found', 'No corpus with id 9.'), zh)).toMatch(/^找不到/);
  });
});
