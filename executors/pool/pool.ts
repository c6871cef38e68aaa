import { Worker } from 'node:worker_threads';
import type { GenesisSpec } from '../../core/genesis.js';
import { C, MODE, type SharedMemory } from './shared.js';

/** What a worker is given once, at start-up. */
export interface WorkerInit {
  readonly buffers: SharedMemory['buffers'];
  readonly genesis: GenesisSpec;
  /** The main thread's work calibration, so a µs of cost is the same on every thread. */
  readonly itersPerUs: number;
  readonly index: number;
}

type WorkerMessage = { readonly type: 'ready' } | { readonly type: 'error'; readonly message: string };

/** The longest a block may take before the pool gives up on it and replaces its workers. */
const BLOCK_TIMEOUT_MS = 120_000;

/**
 * Persistent worker threads for the parallel executors, started once and reused for every block.
 * A block is dispatched by bumping a generation word in shared memory and awaited with
 * Atomics.waitAsync, so the main thread's event loop (the load generator) keeps running. A worker
 * that dies or throws mid-block fails that block, is replaced, and never leaves the pool hanging.
 */
export class WorkerPool {
  readonly size: number;
  private readonly mem: SharedMemory;
  private readonly genesis: GenesisSpec;
  private readonly itersPerUs: number;
  private readonly workers: (Worker | undefined)[];
  private failure: Error | undefined;
  private dead = 0;
  private running = false;
  private closing = false;

  private constructor(mem: SharedMemory, genesis: GenesisSpec, size: number, itersPerUs: number) {
    this.mem = mem;
    this.genesis = genesis;
    this.size = size;
    this.itersPerUs = itersPerUs;
    this.workers = new Array(size).fill(undefined);
  }

  static async start(mem: SharedMemory, genesis: GenesisSpec, size: number, itersPerUs: number): Promise<WorkerPool> {
    const pool = new WorkerPool(mem, genesis, size, itersPerUs);
    await Promise.all(Array.from({ length: size }, (_, i) => pool.spawn(i)));
    return pool;
  }

  private spawn(index: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./worker.js', import.meta.url));
      const init: WorkerInit = { buffers: this.mem.buffers, genesis: this.genesis, itersPerUs: this.itersPerUs, index };
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') {
          this.workers[index] = worker;
          resolve();
        } else if (m.type === 'error') this.fail(new Error(`worker ${index}: ${m.message}`));
      });
      worker.on('error', (e) => {
        if (this.workers[index] !== worker) reject(e);
        else this.fail(new Error(`worker ${index} failed: ${e.message}`));
      });
      worker.on('exit', (code) => {
        if (this.workers[index] !== worker) return;
        this.workers[index] = undefined;
        if (this.closing) return;
        this.dead++;
        this.fail(new Error(`worker ${index} died (exit code ${code})`));
      });
      worker.postMessage(init);
    });
  }

  /** Stops the current block: every worker loop checks the abort word. */
  private fail(error: Error): void {
    this.failure ??= error;
    const c = this.mem.control;
    Atomics.store(c, C.ABORT, 1);
    // Waiters wake on these; the others wait with short timeouts and see the abort word.
    for (const word of [C.GENERATION, C.WAKE, C.FINISHED, C.QUEUE_TAIL]) Atomics.notify(c, word);
  }

  /** Runs the encoded block in `mode` on every worker; rejects when a worker died, threw or timed out. */
  async run(mode: number): Promise<void> {
    if (this.running) throw new Error('the worker pool is already running a block');
    this.running = true;
    const c = this.mem.control;
    try {
      await this.replaceDead();
      this.failure = undefined;
      Atomics.store(c, C.ABORT, 0);
      Atomics.store(c, C.FINISHED, 0);
      Atomics.store(c, C.MODE, mode);
      Atomics.add(c, C.GENERATION, 1);
      Atomics.notify(c, C.GENERATION);
      const deadline = performance.now() + BLOCK_TIMEOUT_MS;
      for (;;) {
        const finished = Atomics.load(c, C.FINISHED);
        if (finished >= this.size - this.dead) break;
        if (performance.now() > deadline) {
          this.fail(new Error(`block not finished after ${BLOCK_TIMEOUT_MS / 1000} s`));
          await this.replaceAll();
          break;
        }
        const r = Atomics.waitAsync(c, C.FINISHED, finished, 50);
        if (r.async) await r.value;
      }
      if (this.failure) throw this.failure;
    } finally {
      this.running = false;
    }
  }

  private async replaceDead(): Promise<void> {
    const missing = this.workers.flatMap((w, i) => (w === undefined ? [i] : []));
    if (missing.length === 0) return;
    await Promise.all(missing.map((i) => this.spawn(i)));
    this.dead = 0;
  }

  /** A hung block: every worker is replaced. */
  private async replaceAll(): Promise<void> {
    const old = [...this.workers];
    this.closing = true;
    this.workers.fill(undefined);
    await Promise.all(old.map((w) => w?.terminate()));
    this.closing = false;
    this.dead = 0;
    await Promise.all(old.map((_, i) => this.spawn(i)));
  }

  /** For tests and diagnostics: kills one worker, as a crash would. */
  async kill(index: number): Promise<void> {
    await this.workers[index]?.terminate();
  }

  async close(): Promise<void> {
    this.closing = true;
    const c = this.mem.control;
    Atomics.store(c, C.MODE, MODE.EXIT);
    Atomics.add(c, C.GENERATION, 1);
    Atomics.notify(c, C.GENERATION);
    await Promise.all(this.workers.map((w) => w?.terminate()));
    this.workers.fill(undefined);
  }
}
