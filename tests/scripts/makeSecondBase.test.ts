import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { inspectModelFolder } from '../../src/engine/models/hf';
import { createBiEncoder, isSentenceEncoderBase } from '../../src/engine/models/modelFiles';
import type { HfEncoder } from '../../src/engine/models/hf';

/** scripts/make-second-base.ts writes a raw BERT folder the app imports like a user's checkpoint. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-second-base-'));
const out = path.join(dir, 'bert');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend('wasm');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/make-second-base.ts', out], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
}, 150_000);

it('is a valid Hugging Face BERT folder, read as a raw masked-LM, with a vocabulary that covers English text', async () => {
  const inspection = await inspectModelFolder(out);
  expect(inspection.problems).toEqual([]);
  expect(inspection.summary!.modelType).toBe('bert');
  expect(isSentenceEncoderBase({ kind: 'hf', dir: out })).toBe(false);
  const bi = (await createBiEncoder({ kind: 'hf', dir: out })) as HfEncoder;
  const vocab = fs.readFileSync(path.join(out, 'vocab.txt'), 'utf8').split('\n');
  const unk = vocab.indexOf('[UNK]');
  const text = 'The committee agreed to move the budget review to next Thursday because of the holidays.';
  const ids = Array.from(bi.tokenizer.encode(text, { maxLength: 64 }).ids);
  expect(ids.filter((id) => id === unk)).toHaveLength(0);
  const [u, v, w] = await bi.embed([text, 'The committee moved the budget review to next Thursday.', 'Tomatoes need sun.'], { maxLength: 64 });
  const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
  // Borrowed sub-word vectors already give it lexical knowledge: overlap scores above no overlap.
  expect(cos(u!, v!)).toBeGreaterThan(cos(u!, w!));
}, 120_000);
