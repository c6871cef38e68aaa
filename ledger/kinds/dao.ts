import { COMMITTED, credit, debit, fail, type Kind } from './kind.js';

const OPEN = 1;
const EXECUTED = 2;

/**
 * Open a new proposal: its id is the proposal counter's next value, so proposals serialise on
 * the counter and the proposal written is known only by running. Args: [predictedId].
 */
export const propose: Kind = {
  name: 'propose',
  family: 'dao',
  defaultCostUs: 20,
  declare({ layout }, _sender, [predicted = 0]) {
    const keys = [layout.proposalCount(), layout.proposal(predicted, 0)];
    return { reads: keys, writes: keys, deltas: [], exact: false };
  },
  apply(_tx, view, { layout, genesis }) {
    const counter = layout.proposalCount();
    const id = view.read(counter);
    if (id >= (genesis.dao?.capacity ?? 0)) return fail('dao-full');
    view.write(counter, id + 1);
    view.write(layout.proposal(id, 0), OPEN);
    return COMMITTED;
  },
};

/**
 * Vote yes or no on an open proposal, once per voter. The tally is the hot key: updated by
 * read-modify-write every vote on the proposal conflicts; as a commutative add (an aggregator),
 * none do. Args: [proposal, choice, tally] — choice 1 yes, 0 no; tally 0 read-modify-write, 1 add.
 */
export const vote: Kind = {
  name: 'vote',
  family: 'dao',
  defaultCostUs: 10,
  declare({ layout }, sender, [d = 0, choice = 0, tally = 0]) {
    const state = layout.proposal(d, 0);
    const voted = layout.voted(d, sender);
    const count = layout.proposal(d, choice === 1 ? 1 : 2);
    return tally === 1
      ? { reads: [state, voted], writes: [voted], deltas: [count], exact: true }
      : { reads: [state, voted, count], writes: [voted, count], deltas: [], exact: true };
  },
  apply(tx, view, { layout, genesis }) {
    const [d = 0, choice = 0, tally = 0] = tx.args;
    if (d >= (genesis.dao?.capacity ?? 0) || tx.sender >= genesis.accounts) return fail('no-such-proposal');
    const state = view.read(layout.proposal(d, 0));
    if (state !== OPEN) return fail(state === EXECUTED ? 'proposal-closed' : 'no-such-proposal');
    const voted = layout.voted(d, tx.sender);
    if (view.read(voted) !== 0) return fail('already-voted');
    view.write(voted, 1);
    const count = layout.proposal(d, choice === 1 ? 1 : 2);
    if (tally === 1) view.add(count, 1);
    else credit(view, count, 1);
    return COMMITTED;
  },
};

/**
 * Execute a passed proposal (more yes than no, and at least the quorum of yes votes): the
 * treasury pays `amount` to the recipient and the proposal closes. It reads both tallies, so it
 * depends on every vote before it. Args: [proposal, recipient, amount].
 */
export const executeProposal: Kind = {
  name: 'execute-proposal',
  family: 'dao',
  defaultCostUs: 30,
  declare({ layout }, _sender, [d = 0, to = 0]) {
    const writes = [layout.proposal(d, 0), layout.balance(layout.treasury), layout.balance(to)];
    return { reads: [...writes, layout.proposal(d, 1), layout.proposal(d, 2)], writes, deltas: [], exact: true };
  },
  apply(tx, view, { layout, genesis }) {
    const [d = 0, to = 0, amount = 0] = tx.args;
    if (d >= (genesis.dao?.capacity ?? 0)) return fail('no-such-proposal');
    const stateKey = layout.proposal(d, 0);
    const state = view.read(stateKey);
    if (state !== OPEN) return fail(state === EXECUTED ? 'proposal-closed' : 'no-such-proposal');
    const yes = view.read(layout.proposal(d, 1));
    const no = view.read(layout.proposal(d, 2));
    if (yes <= no || yes < (genesis.dao?.quorum ?? 0)) return fail('not-passed');
    if (!debit(view, layout.balance(layout.treasury), amount)) return fail('treasury-empty');
    view.write(stateKey, EXECUTED);
    credit(view, layout.balance(to), amount);
    return COMMITTED;
  },
};
