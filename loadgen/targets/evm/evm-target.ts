/**
 * An Ethereum JSON-RPC node as the target (`--target evm+http://` or `evm+ws://`): the workload's
 * transactions become real ones. Before the clock starts (prepare): the chain id is checked, the
 * accounts are funded, and every transaction is signed in advance. During the run: the due
 * transactions go out as JSON-RPC batches, and inclusion is read from the chain's blocks, so sent
 * and mined are separate figures (the run's achieved rate and its committed TPS).
 *
 * So far: native transfers (payments' `transfer`). The other families (contracts) and receipt
 * status checks are to come (docs/EVM.md).
 */
import { parseGwei, type Hex } from 'viem';
import type { Clock, Timer } from '../../../core/clock.js';
import { ParabenchError } from '../../../core/errors.js';
import type { ChainStats, Target, TargetDescription, TargetInit, WithChainStats, WithPrepare } from '../../../core/target.js';
import type { Receipt, Tx } from '../../../core/tx.js';
import { accountOf, automines, fundAccounts } from './accounts.js';
import { InclusionTracker } from './inclusion.js';
import { JsonRpc, RpcUnreachable, WsJsonRpc, type Rpc } from './rpc.js';
import { signTx, type SignedTx } from './transactions.js';

export interface EvmTargetOptions {
  /** evm+http://host:port */
  readonly url: string;
  /** The chain id the profile expects; another one is refused before anything is sent. */
  readonly chainId?: number;
  /** Seeds the accounts' keys. */
  readonly seed: number;
  /** How often new blocks are read, ms. */
  readonly pollMs?: number;
}

/** Each account gets this much (wei) when funded: far more than any run's transfers and gas. */
const FUNDING = 10n ** 24n;

export class EvmTarget implements Target, WithPrepare, WithChainStats {
  private readonly options: EvmTargetOptions;
  private readonly rpc: Rpc;
  private readonly signed = new Map<number, SignedTx & { readonly sender: number; readonly nonce: number }>();
  /** Per sender, the next nonce the run will send: a transaction the run skips leaves a gap to fill. */
  private readonly nextNonce = new Map<number, number>();
  private maxFeePerGas = 0n;
  private chainId = 0;
  private client = 'unknown';
  private init: TargetInit | undefined;
  private clock: Clock | undefined;
  private tracker: InclusionTracker | undefined;
  private timer: Timer | undefined;
  private polling = false;
  private closed = false;

  constructor(options: EvmTargetOptions) {
    this.options = options;
    const url = options.url.replace(/^evm\+/, '');
    this.rpc = /^wss?:/.test(url) ? new WsJsonRpc(url) : new JsonRpc(url);
  }

  get description(): TargetDescription {
    return { kind: 'evm', url: this.options.url, executor: this.client };
  }

  private async node<T>(what: () => Promise<T>): Promise<T> {
    try {
      return await what();
    } catch (e) {
      if (e instanceof RpcUnreachable) throw new ParabenchError('TARGET_UNREACHABLE', e.message.replace(this.rpc.url, this.options.url));
      throw e;
    }
  }

  /** Chain id checked, accounts funded, every transaction signed: all before the clock starts. */
  async prepare(txs: Iterable<Tx>, count: number): Promise<void> {
    this.chainId = Number(await this.node(() => this.rpc.call<string>('eth_chainId')));
    if (this.options.chainId !== undefined && this.options.chainId !== this.chainId) {
      throw new ParabenchError('USAGE', `target.chainId: the profile expects chain ${this.options.chainId}, ${this.options.url} is chain ${this.chainId}; nothing was sent`);
    }
    this.client = await this.rpc.call<string>('web3_clientVersion').catch(() => 'unknown');
    const senders = new Set<number>();
    const list: Tx[] = [];
    for (const tx of txs) {
      if (list.length >= count) break;
      if (tx.kind !== 'transfer') {
        throw new ParabenchError('USAGE', `target: an evm target sends payments' transfer only, so far; this profile's traffic has "${tx.kind}" (workload.payments.kinds: { transfer: 1 })`);
      }
      list.push(tx);
      senders.add(tx.sender);
      senders.add(tx.args[0] ?? 0);
    }
    const ids = [...senders];
    await fundAccounts(this.rpc, ids.map((i) => accountOf(this.options.seed, i).address), FUNDING);
    // The chain may have seen these accounts before (an earlier run, same seed): the workload's
    // nonces count from what each account has already sent.
    const base = new Map<number, number>();
    for (let from = 0; from < ids.length; from += 500) {
      const chunk = ids.slice(from, from + 500);
      const answers = await this.rpc.batch(chunk.map((i) => ({ method: 'eth_getTransactionCount', params: [accountOf(this.options.seed, i).address, 'pending'] })));
      answers.forEach((a, k) => base.set(chunk[k]!, 'error' in a ? 0 : Number(a.result)));
    }
    const gasPrice = BigInt(await this.rpc.call<Hex>('eth_gasPrice'));
    // Room for the base fee to rise through the run: a transaction underpriced by then would stall its sender.
    const maxFeePerGas = gasPrice * 4n + parseGwei('1');
    this.maxFeePerGas = maxFeePerGas;
    for (const tx of list) {
      const nonce = (base.get(tx.sender) ?? 0) + tx.nonce;
      if (!this.nextNonce.has(tx.sender)) this.nextNonce.set(tx.sender, nonce);
      const signed = await signTx({ ...tx, nonce }, { chainId: this.chainId, account: (i) => accountOf(this.options.seed, i), maxFeePerGas });
      this.signed.set(tx.id, { ...signed, sender: tx.sender, nonce });
    }
  }

  async open(init: TargetInit): Promise<void> {
    this.init = init;
    this.clock = init.clock;
    if (this.chainId === 0) throw new Error('EvmTarget: prepare() before open()');
    this.tracker = new InclusionTracker(this.rpc, () => init.clock.now());
    await this.node(() => this.tracker!.start());
    if ((await automines(this.rpc)) === true) {
      init.onErrors([], new Error(`${this.options.url} mines a block per transaction (automine): its throughput says nothing about blocks; start it with interval mining (anvil --block-time 1)`));
    }
    // Over WebSocket, a new block is announced: read it then. Polling stays, slower, as a backstop.
    const announced = await this.rpc.onNewHeads(() => void this.poll());
    const poll = (): void => {
      if (this.closed) return;
      this.timer = init.clock.setTimeout(() => void this.poll().finally(poll), announced ? 1000 : (this.options.pollMs ?? 100));
    };
    poll();
  }

  private async poll(): Promise<void> {
    if (this.polling || !this.tracker || !this.init) return;
    this.polling = true;
    try {
      const found = await this.tracker.poll();
      if (found.length > 0) this.init.onReceipts(found.map((f): Receipt => ({ id: f.id, status: 'committed', block: f.block, position: f.position, commitMs: f.atMs })));
    } catch (e) {
      this.init.onErrors([], e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.polling = false;
    }
  }

  /** Batches are built one after another (a filler is signed in between), and posted without waiting. */
  private building: Promise<void> = Promise.resolve();

  submit(txs: readonly Tx[]): void {
    this.building = this.building
      .then(async () => {
        const raws = await this.build(txs);
        void this.post(raws);
      })
      .catch((e: unknown) => this.init?.onErrors(txs.map((t) => t.id), e instanceof Error ? e : new Error(String(e))));
  }

  /**
   * The run sends in id order, so a nonce below a sender's next one that was never sent belongs to
   * a transaction the run dropped: a filler takes it first, or every later transaction of that
   * sender would wait behind the gap for ever.
   */
  private async build(txs: readonly Tx[]): Promise<{ raw: Hex; id: number | undefined }[]> {
    const init = this.init;
    const tracker = this.tracker;
    if (!init || !tracker) throw new Error('submit() before open()');
    const raws: { raw: Hex; id: number | undefined }[] = [];
    const unsigned: number[] = [];
    for (const tx of txs) {
      const s = this.signed.get(tx.id);
      if (!s) {
        unsigned.push(tx.id);
        continue;
      }
      for (let gap = this.nextNonce.get(s.sender) ?? s.nonce; gap < s.nonce; gap++) raws.push({ raw: await this.filler(s.sender, gap), id: undefined });
      this.nextNonce.set(s.sender, s.nonce + 1);
      raws.push({ raw: s.raw, id: s.id });
      tracker.expect(s.hash, s.id);
    }
    if (unsigned.length > 0) init.onErrors(unsigned, new Error('not signed in the prepare phase'));
    return raws;
  }

  private async post(raws: readonly { raw: Hex; id: number | undefined }[]): Promise<void> {
    const init = this.init;
    if (!init || raws.length === 0) return;
    try {
      const answers = await this.rpc.batch(raws.map((r) => ({ method: 'eth_sendRawTransaction', params: [r.raw] })));
      const failed: Receipt[] = [];
      const gaps: { sender: number; nonce: number }[] = [];
      answers.forEach((a, i) => {
        const id = raws[i]!.id;
        if (!('error' in a) || id === undefined) return;
        // A retried send the node already holds is sent once, not an error.
        if (/already known/i.test(a.error.message)) return;
        // The node's answer, not a transport failure: the transaction failed, for the node's reason.
        const s = this.signed.get(id);
        if (s) this.tracker?.forget(s.hash);
        failed.push({ id, status: 'failed', reason: `node: ${a.error.message}`, block: 0, position: 0, commitMs: init.clock.now() });
        // A refused transaction did not take its nonce, unless another one holds it (mined, or
        // pending at the same or a higher fee): then there is no gap to fill.
        if (s && !/nonce too low|replacement transaction underpriced/i.test(a.error.message)) gaps.push({ sender: s.sender, nonce: s.nonce });
      });
      if (failed.length > 0) init.onReceipts(failed);
      if (gaps.length > 0) {
        const fillers = await Promise.all(gaps.map((g) => this.filler(g.sender, g.nonce)));
        await this.rpc.batch(fillers.map((raw) => ({ method: 'eth_sendRawTransaction', params: [raw] })));
      }
    } catch (e) {
      init.onErrors(
        raws.flatMap((r) => (r.id === undefined ? [] : [r.id])),
        e instanceof Error ? e : new Error(String(e)),
      );
    }
  }

  /** A zero-value transfer to itself: takes nonce `nonce` of `sender`, changes nothing else. */
  private async filler(sender: number, nonce: number): Promise<Hex> {
    const account = accountOf(this.options.seed, sender);
    return account.signTransaction({ type: 'eip1559', chainId: this.chainId, nonce, to: account.address, value: 0n, gas: 21_000n, maxFeePerGas: this.maxFeePerGas, maxPriorityFeePerGas: 0n });
  }

  chainStats(): ChainStats {
    const blocks = this.tracker?.blocks ?? [];
    const gas = blocks.map((b) => b.gasUsed);
    const total = gas.reduce((a, b) => a + b, 0);
    return {
      blocks: blocks.length,
      txs: blocks.reduce((n, b) => n + b.txs, 0),
      ours: blocks.reduce((n, b) => n + b.ours, 0),
      gasUsed: { total, meanPerBlock: blocks.length > 0 ? Math.round(total / blocks.length) : 0, maxPerBlock: Math.max(0, ...gas) },
    };
  }

  async close(): Promise<void> {
    await this.building;
    this.closed = true;
    this.timer?.cancel();
    // One last look: blocks mined during the drain's last poll interval.
    await this.poll();
    await this.rpc.close();
  }
}
