/**
 * The container worker's entry in the browser: serves `WorkerApi` over comlink. No host directories here.
 */
import { expose } from 'comlink';
import { createWorkerApi } from './worker-main.ts';

expose(createWorkerApi({}));
