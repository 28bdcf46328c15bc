import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { linkGloveInto, sharedGloveDir } from '../../tests/helpers/gloveDir';

export interface ServerUnderTest {
  url: string;
  launchUrl: string;
  token: string;
  dataDir: string;
  allowedDir: string;
  stop(): Promise<void>;
}

/**
 * Starts the real back end (`tenc serve`) as a separate process with a fresh data folder,
 * exactly as `npm run serve` does, and returns its address once it is listening.
 */
export async function startServerProcess(opts: { allowedDir?: string } = {}): Promise<ServerUnderTest> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-e2e-'));
  const dataDir = path.join(base, 'data');
  const allowedDir = opts.allowedDir ?? path.join(base, 'docs');
  fs.mkdirSync(allowedDir, { recursive: true });
  // Dedup scans read the GloVe word vectors (pair judge, candidate stage): use the copy converted
  // once for the tests instead of converting 307 MB of JSON inside a scan's time limit.
  const glove = sharedGloveDir();
  if (glove.dir) linkGloveInto(dataDir, glove.dir);
  const root = path.resolve(import.meta.dirname, '../..');
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'bin/tenc.mjs'), 'serve', '--port', '0', '--data-dir', dataDir, '--allow', allowedDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env },
  });
  let output = '';
  const launchUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Open: (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  const url = launchUrl.slice(0, launchUrl.indexOf('/#'));
  const token = launchUrl.slice(launchUrl.indexOf('#token=') + 7);
  return {
    url,
    launchUrl,
    token,
    dataDir,
    allowedDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        // A loaded machine can make a graceful stop (cancelling jobs) slow; cleanup must not fail the test.
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}
