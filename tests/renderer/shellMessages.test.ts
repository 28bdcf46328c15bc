import { describe, expect, it } from 'vitest';
import { en } from '../../src/renderer/src/i18n/en';
import { zh } from '../../src/renderer/src/i18n/zh';
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

  it('skip reasons: English keeps the engine’s detail, Chinese leads with its own words and keeps it', () => {
    expect(skipReasonText('binary file (.dat)', en)).toBe('binary file (.dat)');
    expect(skipReasonText('binary file (.dat)', zh)).toBe(`${zh.shell.errors.skip.binary}（详情：binary file (.dat)）`);
    expect(skipReasonText('symbolic link (not followed)', zh)).toContain(zh.shell.errors.skip.link);
    expect(skipReasonText('empty file', zh)).toContain(zh.shell.errors.skip.empty);
    expect(skipReasonText('a reason nobody wrote a rule for', zh)).toBe('a reason nobody wrote a rule for');
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
