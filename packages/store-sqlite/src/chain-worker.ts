/**
 * The thread of a `ChainHasher` (see `chain-hasher.ts`): it hashes each job it is sent, in order,
 * and says in shared memory when it has loaded and takes jobs.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { CONTROL, hashJob } from './chain-hasher'

parentPort?.on('message', hashJob)
Atomics.store(new Int32Array((workerData as { readonly control: SharedArrayBuffer }).control), CONTROL.ready, 1)
