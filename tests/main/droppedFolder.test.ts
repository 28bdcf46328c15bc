import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { droppedFolderPath } from '../../src/main/droppedFolder';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('a dropped folder, checked before the person is asked to allow it', () => {
  it('accepts an existing folder, and a dropped file as its folder', () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-drop-')));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'a.txt'), 'x');
    expect(droppedFolderPath(dir)).toBe(dir);
    expect(droppedFolderPath(path.join(dir, 'a.txt'))).toBe(dir);
  });

  it('refuses what is not an absolute path of something that exists', () => {
    for (const bad of [undefined, null, 5, {}, '', 'relative/dir', '/no/such/folder/here', '/tmp\0/x', 'x'.repeat(5000)]) {
      expect(droppedFolderPath(bad)).toBeNull();
    }
  });
});
