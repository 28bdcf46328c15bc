/**
 * How many CPU threads the engine's parallel work may use (embedding workers, nearest-neighbour
 * search): the person's setting, or the machine's cores. Read when such work starts, so a change
 * applies to work started after it (models already loaded keep their workers until the app restarts).
 */
import os from 'node:os';

let limit: number | null = null;

/** Logical cores of this machine. */
export function machineCores(): number {
  return os.availableParallelism?.() ?? os.cpus().length;
}

/** null: no limit (the machine's cores). */
export function setCpuThreadLimit(threads: number | null): void {
  limit = threads === null ? null : Math.max(1, Math.floor(threads));
}

/** Threads parallel work may use now. */
export function cpuThreads(): number {
  return limit ?? machineCores();
}
