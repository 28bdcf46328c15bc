import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SpecialFileSystemError, assertOrdinaryFileSystem, specialFileSystemOf } from '../../../src/engine/fs/specialFs';

describe.runIf(process.platform === 'linux')('specialFileSystemOf (Linux)', () => {
  it('names kernel file systems, for existing paths and for paths that would be created there', () => {
    expect(specialFileSystemOf('/proc')).toBe('proc');
    expect(specialFileSystemOf('/proc/not/there/yet')).toBe('proc');
    expect(specialFileSystemOf('/sys/kernel')).toMatch(/sysfs|sys/);
    expect(specialFileSystemOf('/sys/fs/cgroup/tenc')).not.toBeNull();
    expect(specialFileSystemOf('/dev/tenc-data')).toMatch(/devtmpfs|dev/);
  });

  it('lets ordinary storage through, /dev/shm included', () => {
    expect(specialFileSystemOf(os.tmpdir())).toBeNull();
    expect(specialFileSystemOf(path.join(os.tmpdir(), 'not', 'there'))).toBeNull();
    expect(specialFileSystemOf(os.homedir())).toBeNull();
    expect(specialFileSystemOf('/dev/shm/tenc')).toBeNull();
  });

  it('assertOrdinaryFileSystem says what and where', () => {
    expect(() => assertOrdinaryFileSystem('/proc/tenc', 'data folder')).toThrow(SpecialFileSystemError);
    expect(() => assertOrdinaryFileSystem('/proc/tenc', 'data folder')).toThrow(/The data folder \/proc\/tenc is on a special file system \(proc\)/);
  });

  it('tenc with a data folder under /proc stops at once with the reason (before: spun at 100% CPU)', async () => {
    const run = promisify(execFile);
    const started = Date.now();
    const err = await run(process.execPath, ['bin/tenc.mjs', 'info', '--data-dir', '/proc/tenc-data'], { timeout: 30_000 }).catch((e) => e);
    expect(err.killed).toBeFalsy();
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/data folder \/proc\/tenc-data is on a special file system \(proc\)/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
