import fs from 'node:fs';
import { expect, it } from 'vitest';
import { APP_VERSION } from '../../src/engine/version';

it('the engine reports the version in package.json', () => {
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
  expect(APP_VERSION).toBe(pkg.version);
});
