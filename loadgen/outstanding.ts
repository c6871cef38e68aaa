/**
 * The transactions awaiting an answer, id → intended time. Ids are handed out in increasing order,
 * so a ring of typed arrays indexed by id does what a Map would, without hashing: at a million
 * transactions a second, with a hundred thousand in flight, a Map's set and delete cost ~0.3 µs a
 * transaction (measured), a third of the sender's budget. The rare straggler still unanswered when
 * the ring comes round to its slot again moves to a small Map.
 */
export class Outstanding {
  private readonly ringSize: number;
  private readonly ids: Float64Array;
  private readonly intended: Float64Array;
  /** A small number carried with each transaction (its kind's index, for the metrics). */
  private readonly tags: Uint16Array;
  private readonly overflow = new Map<number, { at: number; tag: number }>();
  /** The tag of the transaction take() last returned. */
  lastTag = 0;
  /** Every id below this is answered, timed out, or in `overflow`. */
  private oldest = 0;
  /** One past the highest id added. */
  private end = 0;
  private count = 0;

  /** `capacity`: the most expected in flight (the ring is at least twice that). */
  constructor(capacity: number) {
    let size = 1 << 16;
    while (size < 2 * capacity) size *= 2;
    this.ringSize = size;
    this.ids = new Float64Array(size).fill(-1);
    this.intended = new Float64Array(size);
    this.tags = new Uint16Array(size);
  }

  get size(): number {
    return this.count;
  }

  /** Adds `id` (above every id added before) due at `intendedMs`. */
  add(id: number, intendedMs: number, tag = 0): void {
    const slot = id % this.ringSize;
    const previous = this.ids[slot]!;
    if (previous >= 0) {
      // Still unanswered a whole ring later: it moves aside.
      this.overflow.set(previous, { at: this.intended[slot]!, tag: this.tags[slot]! });
    }
    this.ids[slot] = id;
    this.intended[slot] = intendedMs;
    this.tags[slot] = tag;
    this.end = id + 1;
    this.count++;
  }

  /** Removes `id` and returns its intended time (its tag in `lastTag`), or undefined when it is not awaited. */
  take(id: number): number | undefined {
    const slot = id % this.ringSize;
    if (this.ids[slot] === id) {
      this.ids[slot] = -1;
      this.count--;
      this.lastTag = this.tags[slot]!;
      return this.intended[slot];
    }
    const aside = this.overflow.get(id);
    if (aside === undefined) return undefined;
    this.overflow.delete(id);
    this.count--;
    this.lastTag = aside.tag;
    return aside.at;
  }

  /** Takes every transaction due at or before `dueByMs`, oldest first, handing each to `f`. */
  expire(dueByMs: number, f: (intendedMs: number, tag: number) => void): void {
    for (const [id, { at, tag }] of this.overflow) {
      if (at > dueByMs) continue;
      this.overflow.delete(id);
      this.count--;
      f(at, tag);
    }
    // Intended times grow with the id: stop at the first one still in time.
    for (; this.oldest < this.end; this.oldest++) {
      const slot = this.oldest % this.ringSize;
      if (this.ids[slot] !== this.oldest) continue;
      if (this.intended[slot]! > dueByMs) break;
      this.ids[slot] = -1;
      this.count--;
      f(this.intended[slot]!, this.tags[slot]!);
    }
  }

  /** Takes everything left. */
  clear(f: (intendedMs: number, tag: number) => void): void {
    this.expire(Infinity, f);
  }
}
