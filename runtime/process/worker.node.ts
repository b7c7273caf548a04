/**
 * The container worker's entry in Node (bundled to dist/worker.js): serves `WorkerApi` over comlink, with host
 * directories available for bind mounts and volumes, and image files read from unpacked layers on disk.
 */
import { parentPort } from 'node:worker_threads';
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { NodeHostDirs } from '../vfs/host-dir.node.ts';
import { NodeLayerFiles } from '../vfs/layer-files.node.ts';
import { createWorkerApi } from './worker-main.ts';

if (!parentPort) throw new Error('worker.node.ts must run in a worker thread');
expose(createWorkerApi({ hostDirs: new NodeHostDirs(), layerFiles: new NodeLayerFiles() }), nodeEndpoint(parentPort));
