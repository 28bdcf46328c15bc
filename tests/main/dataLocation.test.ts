import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATA_LOCATION_FILE, readDataLocation, writeDataLocation } from '../../src/main/dataLocation';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-userdata-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('the data folder chosen in Settings (desktop app)', () => {
  it('is remembered in the per-user folder and read back at start', () => {
    const userData = tmp();
    expect(readDataLocation(userData)).toBeNull();
    writeDataLocation(userData, '/srv/my-data');
    expect(readDataLocation(userData)).toBe('/srv/my-data');
    expect(fs.readdirSync(userData)).toEqual([DATA_LOCATION_FILE]);
  });

  it('a damaged pointer or a relative path is ignored (the default folder is used); a bad one is never written', () => {
    const userData = tmp();
    for (const content of ['{"dataDir": "relative/dir"}', '{"dataDir": 5}', 'not json', 'null']) {
      fs.writeFileSync(path.join(userData, DATA_LOCATION_FILE), content);
      expect(readDataLocation(userData)).toBeNull();
    }
    expect(() => writeDataLocation(userData, 'relative')).toThrow(/absolute/);
  });
});
