/**
 * An Ethereum JSON-RPC node as the target (`--target evm+http://HOST:PORT`): the workload's
 * transactions become real ones. Before the clock starts (prepare): the chain id is checked, the
 * accounts are funded, and every transaction is signed in advance. During the run: the due
 * transactions go out as JSON-RPC batches, and inclusion is read from the chain's blocks, so sent
 * and mined are separate figures (the run's achieved rate and its committed TPS).
 *
 * So far: native transfers (payments' `transfer`), over HTTP. The other families, ws, receipts
 * status checks and nonce recovery after a rejection are to come.
 */
import { parseGwei, type Hex } from 'viem';
import type { Clock, Timer } from '../../../core/clock.js';
import { ParabenchError } from '../../../core/errors.js';
import type { Target, TargetDescription, TargetInit, WithPrepare } from '../../../core/target.js';
import type { Receipt, Tx } from '../../../core/tx.js';
import { accountOf, automines, fundAccounts } from './accounts.js';
import { InclusionTracker } from './inclusion.js';
import { JsonRpc, RpcUnreachable } from './rpc.js';
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

export class EvmTarget implements Target, WithPrepare {
  private readonly options: EvmTargetOptions;
  private readonly rpc: JsonRpc;
  private readonly signed = new Map<number, SignedTx>();
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
    this.rpc = new JsonRpc(options.url.replace(/^evm\+/, ''));
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
    for (const tx of list) {
      const onChain = { ...tx, nonce: (base.get(tx.sender) ?? 0) + tx.nonce };
      this.signed.set(tx.id, await signTx(onChain, { chainId: this.chainId, account: (i) => accountOf(this.options.seed, i), maxFeePerGas }));
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
    const poll = (): void => {
      if (this.closed) return;
      this.timer = init.clock.setTimeout(() => void this.poll().finally(poll), this.options.pollMs ?? 100);
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

  submit(txs: readonly Tx[]): void {
    const init = this.init;
    const tracker = this.tracker;
    if (!init || !tracker) throw new Error('submit() before open()');
    const batch: SignedTx[] = [];
    const unsigned: number[] = [];
    for (const tx of txs) {
      const s = this.signed.get(tx.id);
      if (!s) unsigned.push(tx.id);
      else {
        batch.push(s);
        tracker.expect(s.hash, s.id);
      }
    }
    if (unsigned.length > 0) init.onErrors(unsigned, new Error('not signed in the prepare phase'));
    if (batch.length === 0) return;
    // Fire and forget: the schedule, not the node, decides when transactions go out.
    void this.rpc.batch(batch.map((s) => ({ method: 'eth_sendRawTransaction', params: [s.raw] }))).then(
      (answers) => {
        const refused = new Map<string, number[]>();
        answers.forEach((a, i) => {
          if (!('error' in a)) return;
          // A retried send the node already holds is sent once, not an error.
          if (/already known/i.test(a.error.message)) return;
          const id = batch[i]!.id;
          refused.set(a.error.message, [...(refused.get(a.error.message) ?? []), id]);
        });
        for (const [message, ids] of refused) init.onErrors(ids, new Error(`the node refused it: ${message}`));
      },
      (e: unknown) => init.onErrors(batch.map((s) => s.id), e instanceof Error ? e : new Error(String(e))),
    );
  }

  /** The blocks read during the run: the gas and the transactions they held. */
  get blocks(): readonly { number: number; txs: number; ours: number; gasUsed: number }[] {
    return this.tracker?.blocks ?? [];
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timer?.cancel();
    // One last look: blocks mined during the drain's last poll interval.
    await this.poll();
  }
}
