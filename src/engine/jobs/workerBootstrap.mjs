// Worker entry when the engine runs from TypeScript sources (CLI, server, tests): registers
// tsx in the worker, then loads the real worker module. Built bundles start theirs directly.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.__entry);
