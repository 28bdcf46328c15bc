import type { JobSnapshot } from '../shared/api';

/** Prints job progress on one updating line on a terminal, or a line per stage when piped. */
export function createProgressPrinter(stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY'> = process.stderr) {
  let lastStage = '';
  let lastPrint = 0;
  return (job: JobSnapshot) => {
    const pct = job.total ? ` ${Math.round((100 * job.done) / job.total)}%` : '';
    const count = job.total !== null ? `${job.done}/${job.total}` : `${job.done}`;
    const eta = job.status === 'running' && job.etaSeconds !== null ? ` ETA ${Math.round(job.etaSeconds)}s` : '';
    const line = `[${job.stage}] ${count}${pct}${eta}${job.message ? ` ${job.message}` : ''}`;
    if (stream.isTTY) {
      stream.write(`\r\x1b[2K${line}`);
      if (job.status !== 'running') stream.write('\n');
    } else if (job.stage !== lastStage || job.status !== 'running' || Date.now() - lastPrint > 5000) {
      stream.write(line + '\n');
      lastPrint = Date.now();
    }
    lastStage = job.stage;
  };
}

/**
 * Progress of a count the CLI drives itself (pairs checked): one updating line on a terminal, and
 * on a pipe or file a plain line at each tenth of the way and at the end, never carriage returns.
 */
export function createCountPrinter(label: string, total: number, stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY'> = process.stderr) {
  let lastTenth = -1;
  return (done: number) => {
    const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
    const line = `${label} ${done}/${total} ${pct}%`;
    if (stream.isTTY) {
      stream.write(`\r\x1b[2K${line}${done >= total ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor(pct / 10);
    if (tenth > lastTenth) {
      stream.write(line + '\n');
      lastTenth = tenth;
    }
  };
}
