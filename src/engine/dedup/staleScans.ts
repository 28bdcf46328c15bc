/**
 * Scans whose process died (killed, crashed, power cut) stay stored as `running`. They are
 * found by their runner: a process id that no longer exists on this machine, or no sign of
 * life for longer than STALE_AFTER_MS (a scan beats every 15 s while it works). Such scans are
 * marked failed with a message saying they can be resumed.
 */
import type { Store } from '../store';
import type { DedupScan } from '../store/types';

export const STALE_AFTER_MS = 10 * 60_000;
export const INTERRUPTED_MESSAGE = 'the scan was interrupted (its process stopped); resume it to continue where it stopped';

/** True when the process with this id exists (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function isStaleScan(scan: DedupScan, now = Date.now(), alive: (pid: number) => boolean = processAlive): boolean {
  if (scan.status !== 'running') return false;
  if (scan.runnerPid != null && scan.runnerPid !== process.pid && !alive(scan.runnerPid)) return true;
  const beat = scan.heartbeatAt ?? scan.startedAt;
  return beat == null || now - Date.parse(beat) > STALE_AFTER_MS;
}

/** Marks the store's stale running scans as failed (resumable); returns their ids. */
export async function failStaleScans(store: Store): Promise<number[]> {
  return store.scans.failStale((s) => isStaleScan(s), INTERRUPTED_MESSAGE);
}
