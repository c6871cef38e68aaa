/**
 * An Ethereum JSON-RPC node as the target (`--target evm+http://` or `evm+ws://`): the workload's
 * transactions become real ones (transactions.ts says what each kind becomes). Before the clock
 * starts (prepare): the chain id is checked, the accounts funded, the contracts the traffic calls
 * deployed, and every transaction signed in advance (or read back from the signed cache). During
 * the run: the due transactions go out as JSON-RPC batches, and inclusion is read from the chain's
 * blocks and receipts, so sent and mined are separate figures (the run's achieved rate and its
 * committed TPS), and a reverted call fails.
 */
import { parseGwei, type Address, type Hex } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import type { Clock, Timer } from '../../../core/clock.js';
import { ParabenchError } from '../../../core/errors.js';
import type { GenesisSpec } from '../../../core/genesis.js';
import type { ChainStats, Target, TargetDescription, TargetInit, WithChainStats, WithPrepare } from '../../../core/target.js';
import type { Receipt, Tx } from '../../../core/tx.js';
import { accountOf, automines, fundAccounts, FundingImpossible, type Funding } from './accounts.js';
import { planDeployment, signSteps, stepsCost } from './deploy.js';
import { InclusionTracker } from './inclusion.js';
import { batchChunked, JsonRpc, RpcUnreachable, WsJsonRpc, type Rpc } from './rpc.js';
import { sendAndConfirm, SetupFailed } from './setup.js';
import { loadSigned, signingKey, storeSigned } from './signed-cache.js';
import { buyValues, callOf, costOf, eip1559, EVM_KINDS, GAS, hasEvmForm, signTx, type Asset, type SignedTx, type SigningOptions } from './transactions.js';

export interface EvmTargetOptions {
  /** evm+http://host:port */
  readonly url: string;
  /** The chain id the profile expects; another one is refused before anything is sent. */
  readonly chainId?: number;
  /** Seeds the accounts' keys. */
  readonly seed: number;
  readonly asset?: Asset;
  readonly funding?: Funding;
  /** Pays for funding by transfers (from PARABENCH_FUNDER_KEY). */
  readonly funder?: PrivateKeyAccount;
  /** Where signed transactions are cached; undefined: not cached. */
  readonly cacheDir?: string;
  /** Progress of the prepare phase, a line at a time. */
  readonly log?: (line: string) => void;
  /** How often new blocks are read, ms. */
  readonly pollMs?: number;
  /** How long a JSON-RPC call may go unanswered, ms (default 5,000). */
  readonly rpcTimeoutMs?: number;
}

/** Batches of eth_sendRawTransaction awaiting their answers at once, and the most transactions in one. */
const BATCHES_IN_FLIGHT = 4;
const MAX_BATCH = 2000;

/** A fee cap of a power of two gwei: stable from run to run, so cached signatures match a fresh chain. */
function feeCap(gasPrice: bigint): bigint {
  const wanted = gasPrice * 4n + parseGwei('1');
  let cap = parseGwei('1');
  while (cap < wanted) cap *= 2n;
  return cap;
}

export class EvmTarget implements Target, WithPrepare, WithChainStats {
  private readonly options: EvmTargetOptions;
  private readonly rpc: Rpc;
  private readonly rpcTimeoutMs: number;
  private readonly signed = new Map<number, SignedTx & { readonly sender: number; readonly nonce: number }>();
  /** Per sender, the next nonce the run will send: a transaction the run skips leaves a gap to fill. */
  private readonly nextNonce = new Map<number, number>();
  private readonly keys = new Map<number, PrivateKeyAccount>();
  private maxFeePerGas = 0n;
  private chainId = 0;
  private client = 'unknown';
  private prepared: ChainStats['prepare'] = { funding: 'none', setupTxs: 0, signed: 0, cached: 0, seconds: 0 };
  private init: TargetInit | undefined;
  private clock: Clock | undefined;
  private tracker: InclusionTracker | undefined;
  private timer: Timer | undefined;
  private polling = false;
  private closed = false;

  constructor(options: EvmTargetOptions) {
    this.options = options;
    const url = options.url.replace(/^evm\+/, '');
    this.rpcTimeoutMs = options.rpcTimeoutMs ?? 5000;
    this.rpc = /^wss?:/.test(url) ? new WsJsonRpc(url, this.rpcTimeoutMs) : new JsonRpc(url, this.rpcTimeoutMs);
  }

  get description(): TargetDescription {
    return { kind: 'evm', url: this.options.url, executor: this.client };
  }

  private async node<T>(what: () => Promise<T>): Promise<T> {
    try {
      return await what();
    } catch (e) {
      if (e instanceof RpcUnreachable) throw new ParabenchError('TARGET_UNREACHABLE', e.message.replace(this.rpc.url, this.options.url));
      if (e instanceof FundingImpossible) throw new ParabenchError('USAGE', `target.funding: ${e.message}`);
      if (e instanceof SetupFailed) throw new ParabenchError('TARGET_UNREACHABLE', `preparing ${this.options.url}: ${e.message}`);
      throw e;
    }
  }

  /** Chain id checked, accounts funded, contracts deployed, every transaction signed: all before the clock starts. */
  async prepare(txs: Iterable<Tx>, count: number, genesis: GenesisSpec): Promise<void> {
    await this.node(() => this.prepareChain(txs, count, genesis));
  }

  private async prepareChain(txs: Iterable<Tx>, count: number, genesis: GenesisSpec): Promise<void> {
    const started = performance.now();
    const { seed } = this.options;
    const log = this.options.log ?? (() => {});
    this.chainId = Number(await this.rpc.call<string>('eth_chainId'));
    if (this.options.chainId !== undefined && this.options.chainId !== this.chainId) {
      throw new ParabenchError('USAGE', `target.chainId: the profile expects chain ${this.options.chainId}, ${this.options.url} is chain ${this.chainId}; nothing was sent`);
    }
    this.client = await this.rpc.call<string>('web3_clientVersion').catch(() => 'unknown');
    const asset = this.options.asset ?? 'native';
    const list: Tx[] = [];
    const kinds = new Set<string>();
    for (const tx of txs) {
      if (list.length >= count) break;
      if (!hasEvmForm(tx.kind)) {
        throw new ParabenchError('USAGE', `workload: an evm target runs ${EVM_KINDS.join(', ')}; this profile's traffic has "${tx.kind}" (give it weight 0 in the family's kinds)`);
      }
      list.push(tx);
      kinds.add(tx.kind);
    }
    const keyOf = (i: number): PrivateKeyAccount => this.key(i);
    const merchants = new Map<number, Address>();
    const merchant = (m: number): Address => {
      let a = merchants.get(m);
      if (!a) merchants.set(m, (a = accountOf(seed, `merchant:${m}`).address));
      return a;
    };
    this.maxFeePerGas = feeCap(BigInt(await this.rpc.call<Hex>('eth_gasPrice')));
    const deployer = accountOf(seed, 'deployer');
    const deployerNonce = Number(await this.rpc.call<Hex>('eth_getTransactionCount', [deployer.address, 'pending']));
    const traders = new Set<Address>();
    const payers = new Set<Address>();
    for (const tx of list) {
      if (tx.kind === 'swap') traders.add(keyOf(tx.sender).address);
      if (asset === 'erc20' && (tx.kind === 'transfer' || tx.kind === 'micropay')) payers.add(keyOf(tx.sender).address);
    }
    const creator = (c: number): Address => accountOf(seed, `creator:${c}`).address;
    const { deployment, steps } = planDeployment({ genesis, kinds, asset, traders: [...traders], payers: [...payers], creator }, deployer.address, deployerNonce);
    const buys = buyValues(list);
    const signing: SigningOptions = { chainId: this.chainId, account: keyOf, merchant, maxFeePerGas: this.maxFeePerGas, deployment, asset, buyValue: (id) => buys.get(id) ?? 0n };

    // Encoded once: what each transaction costs (for funding) and what is signed.
    const calls = list.map((tx) => callOf(tx, signing));
    // Each sender needs its transactions' gas and value, with room for nonce-gap fillers; twice that, to be safe.
    const needs = new Map<Address, bigint>();
    list.forEach((tx, i) => {
      const a = keyOf(tx.sender).address;
      needs.set(a, (needs.get(a) ?? 0n) + 2n * (costOf(calls[i]!, this.maxFeePerGas) + GAS.native * this.maxFeePerGas));
    });
    if (steps.length > 0) needs.set(deployer.address, (needs.get(deployer.address) ?? 0n) + 2n * stepsCost(steps, this.maxFeePerGas));
    const funding = await fundAccounts(this.rpc, needs, { mode: this.options.funding ?? 'auto', chainId: this.chainId, maxFeePerGas: this.maxFeePerGas, ...(this.options.funder ? { funder: this.options.funder } : {}) });
    log(`funded ${needs.size} accounts by ${funding.method}${funding.transfers > 0 ? ` (${funding.transfers} transfers)` : ''}`);
    if (steps.length > 0) {
      const t = performance.now();
      await sendAndConfirm(this.rpc, await signSteps(steps, deployer, deployerNonce, this.chainId, this.maxFeePerGas));
      log(`deployed and set up the contracts: ${steps.length} transactions, mined in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }

    // The chain may have seen these accounts before (an earlier run, same seed): the workload's
    // nonces count from what each account has already sent.
    const ids = [...new Set(list.map((t) => t.sender))];
    const counts = await batchChunked(this.rpc, ids.map((i) => ({ method: 'eth_getTransactionCount', params: [keyOf(i).address, 'pending'] })));
    const base = new Map(
      ids.map((i, k): [number, number] => {
        const a = counts[k];
        return [i, !a || 'error' in a ? 0 : Number(a.result)];
      }),
    );
    const nonceOf = (tx: Tx): number => (base.get(tx.sender) ?? 0) + tx.nonce;
    const key = signingKey({ v: 1, chainId: this.chainId, maxFeePerGas: this.maxFeePerGas, seed, asset, deployment, gas: GAS }, list, nonceOf);
    const dir = this.options.cacheDir;
    const cached = dir ? await loadSigned(dir, key, list.length) : undefined;
    const t = performance.now();
    for (const [i, tx] of list.entries()) {
      const nonce = nonceOf(tx);
      if (!this.nextNonce.has(tx.sender)) this.nextNonce.set(tx.sender, nonce);
      const s = cached?.[i] ?? (await signTx({ ...tx, nonce }, signing, calls[i]));
      this.signed.set(tx.id, { id: tx.id, hash: s.hash, raw: s.raw, sender: tx.sender, nonce });
    }
    const seconds = ((performance.now() - t) / 1000).toFixed(1);
    if (cached) log(`${list.length} signed transactions read from the cache in ${seconds} s`);
    else {
      const stored = dir ? await storeSigned(dir, key, list.map((tx) => this.signed.get(tx.id)!)) : false;
      log(`signed ${list.length} transactions in ${seconds} s${stored ? ` (cached in ${dir})` : ''}`);
    }
    this.prepared = { funding: funding.method, setupTxs: funding.transfers + steps.length, signed: cached ? 0 : list.length, cached: cached ? list.length : 0, seconds: (performance.now() - started) / 1000 };
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
      if (found.length > 0) {
        this.init.onReceipts(
          found.map((f): Receipt => (f.succeeded === false ? { id: f.id, status: 'failed', reason: f.revertReason ? `reverted: ${f.revertReason}` : 'reverted', block: f.block, position: f.position, commitMs: f.atMs } : { id: f.id, status: 'committed', block: f.block, position: f.position, commitMs: f.atMs })),
        );
      }
    } catch (e) {
      this.init.onErrors([], e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.polling = false;
    }
  }

  /** Batches are built one after another (a filler is signed in between). */
  private building: Promise<void> = Promise.resolve();
  /** Built, waiting for a batch slot: a node that answers slowly gets fewer, larger batches. */
  private queue: { raw: Hex; id: number | undefined }[] = [];
  private inFlight = 0;
  private drained: (() => void) | undefined;

  submit(txs: readonly Tx[]): void {
    this.building = this.building
      .then(async () => {
        this.queue.push(...(await this.build(txs)));
        this.pump();
      })
      .catch((e: unknown) => this.init?.onErrors(txs.map((t) => t.id), e instanceof Error ? e : new Error(String(e))));
  }

  /**
   * A few batches in flight at once, never more: each due slice's transactions would otherwise be
   * a request of their own (1,000 a second at most rates), and a node spends more on requests than
   * on transactions. What waits goes out with the next batch; its latency counts the wait.
   */
  private pump(): void {
    while (this.inFlight < BATCHES_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.post(batch).finally(() => this.settled());
    }
  }

  /** A batch is answered (or given up on): its slot goes to what waits, and close() hears when all is sent. */
  private settled(): void {
    this.inFlight--;
    this.pump();
    if (this.inFlight === 0 && this.queue.length === 0) this.drained?.();
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
      // A batch answered too late may still have reached the node: its transactions stay awaited,
      // to be found in a block or to time out, never counted twice. One never delivered errs.
      if (e instanceof RpcUnreachable && e.delivered) {
        init.onErrors([], new Error(`${this.options.url} did not answer a batch of eth_sendRawTransaction within ${this.rpcTimeoutMs / 1000} s: sent again once; its transactions stay awaited in the chain's blocks`));
        this.resend(raws);
        return;
      }
      for (const r of raws) {
        const s = r.id === undefined ? undefined : this.signed.get(r.id);
        if (s) this.tracker?.forget(s.hash);
      }
      init.onErrors(
        raws.flatMap((r) => (r.id === undefined ? [] : [r.id])),
        e instanceof Error ? e : new Error(String(e)),
      );
    }
  }

  /**
   * Sends a batch again, once, whatever came of it: the node answers "already known" for what it
   * got the first time, "nonce too low" for what is mined already, and takes the rest. Inclusion
   * (or the run's timeout) decides each transaction's end, so none is counted twice.
   */
  private resend(raws: readonly { raw: Hex; id: number | undefined }[]): void {
    this.inFlight++;
    void this.rpc
      .batch(raws.map((r) => ({ method: 'eth_sendRawTransaction', params: [r.raw] })))
      .catch(() => [])
      .finally(() => this.settled());
  }

  /** A zero-value transfer to itself: takes nonce `nonce` of `sender`, changes nothing else. */
  private async filler(sender: number, nonce: number): Promise<Hex> {
    const account = this.key(sender);
    return account.signTransaction({ ...eip1559(this.chainId, this.maxFeePerGas), nonce, to: account.address, value: 0n, gas: GAS.native });
  }

  /** Account `index`'s key, derived once (a derivation costs about a millisecond: fillers happen mid-run). */
  private key(index: number): PrivateKeyAccount {
    let k = this.keys.get(index);
    if (!k) this.keys.set(index, (k = accountOf(this.options.seed, index)));
    return k;
  }

  chainStats(): ChainStats {
    const blocks = this.tracker?.blocks ?? [];
    const gas = blocks.map((b) => b.gasUsed);
    const total = gas.reduce((a, b) => a + b, 0);
    return {
      blocks: blocks.length,
      txs: blocks.reduce((n, b) => n + b.txs, 0),
      ours: blocks.reduce((n, b) => n + b.ours, 0),
      gasUsed: { total, meanPerBlock: blocks.length > 0 ? Math.round(total / blocks.length) : 0, maxPerBlock: gas.reduce((m, g) => Math.max(m, g), 0) },
      perBlock: blocks.slice(0, 100_000).map((b) => ({ ...b })),
      receipts: { ...(this.tracker?.receipts ?? { checked: 0, reverted: 0, sampledBlocks: 0 }) },
      prepare: this.prepared,
    };
  }

  async close(): Promise<void> {
    await this.building;
    if (this.inFlight > 0 || this.queue.length > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.closed = true;
    this.timer?.cancel();
    // One last look: blocks mined during the drain's last poll interval.
    await this.poll();
    await this.rpc.close();
  }
}
