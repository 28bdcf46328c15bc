import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/backend';
import type { BiEncoder, CrossEncoder } from '../../../src/engine/models/encoder';
import {
  BUILTIN_BASE,
  createBiEncoder,
  createCrossEncoder,
  loadModel,
  ModelFolderError,
  readModelConfig,
  saveModel,
} from '../../../src/engine/models/modelFiles';
import { seededRandom } from '../../../src/engine/random';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-modelfiles-'));
beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Moves every weight a little, as training would, so the test is not on pristine weights. */
function perturb(model: BiEncoder | CrossEncoder, seed: number): void {
  const rand = seededRandom(seed);
  const weights = model.getWeights();
  const moved = new Map(
    [...weights].map(([k, t]) => [
      k,
      tf.tidy(() =>
        tf.add(
          t,
          tf.mul(
            tf.tensor(
              Float32Array.from({ length: t.size }, () => rand() - 0.5),
              t.shape,
            ),
            0.01,
          ),
        ),
      ),
    ]),
  );
  model.setWeights(moved);
  tf.dispose([...weights.values(), ...moved.values()]);
}

const texts = ['A man is playing a guitar.', '', 'Ünïcödé and 中文 and 🙂', 'word '.repeat(300)];
const pairs = [
  ['A plane is taking off.', 'An air plane is taking off.'],
  ['A cat sleeps.', 'The stock market crashed.'],
] as const;

describe('models in the project format', () => {
  it('a saved bi-encoder loads with bit-identical outputs, and its config says what it is', async () => {
    const bi = await createBiEncoder(BUILTIN_BASE);
    perturb(bi, 1);
    const folder = path.join(dir, 'bi');
    await saveModel(folder, bi, { base: BUILTIN_BASE, provenance: { run: 7 } });
    const loaded = await loadModel(folder);
    expect(loaded.config).toMatchObject({ format: 'tenc-model', kind: 'bi', architecture: 'use-lite', provenance: { run: 7 } });
    const a = await bi.embed(texts);
    const b = await (loaded.model as BiEncoder).embed(texts);
    for (let i = 0; i < texts.length; i++) expect(Array.from(b[i]!)).toEqual(Array.from(a[i]!));
    bi.dispose();
    loaded.model.dispose();
  });

  it('a saved cross-encoder loads with bit-identical scores; an imported Hugging Face base travels with it', async () => {
    const cross = await createCrossEncoder(BUILTIN_BASE);
    perturb(cross, 2);
    const folder = path.join(dir, 'cross');
    await saveModel(folder, cross, { base: BUILTIN_BASE });
    const loaded = (await loadModel(folder)).model as CrossEncoder;
    expect(Array.from(await loaded.score(pairs))).toEqual(Array.from(await cross.score(pairs)));
    cross.dispose();
    loaded.dispose();

    const hfBase = { kind: 'hf' as const, dir: path.resolve('tests/fixtures/hf/bert-vocab') };
    const hfBi = await createBiEncoder(hfBase);
    perturb(hfBi, 3);
    const hfFolder = path.join(dir, 'hf-bi');
    await saveModel(hfFolder, hfBi, { base: hfBase });
    expect(readModelConfig(hfFolder).base).toEqual({ kind: 'hf', dir: 'base' });
    expect(fs.existsSync(path.join(hfFolder, 'base', 'vocab.txt'))).toBe(true);
    const hfLoaded = (await loadModel(hfFolder)).model as BiEncoder;
    const x = await hfBi.embed(texts);
    const y = await hfLoaded.embed(texts);
    for (let i = 0; i < texts.length; i++) expect(Array.from(y[i]!)).toEqual(Array.from(x[i]!));
    hfBi.dispose();
    hfLoaded.dispose();
  });

  it('malformed model folders get a message that says what is wrong', async () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    await expect(loadModel(empty)).rejects.toThrow(ModelFolderError);
    await expect(loadModel(empty)).rejects.toThrow(/config\.json is missing or not valid JSON/);
    fs.writeFileSync(path.join(empty, 'config.json'), JSON.stringify({ format: 'other' }));
    await expect(loadModel(empty)).rejects.toThrow(/not a TransEncoder Studio model/);
    fs.writeFileSync(path.join(empty, 'config.json'), JSON.stringify({ format: 'tenc-model', kind: 'bi' }));
    await expect(loadModel(empty)).rejects.toThrow(/no weights\.safetensors/);
  });
});
