/**
 * Prometheus remote write, the minimum: a WriteRequest (prompb, protobuf) of float samples and
 * native histograms, snappy-framed as one literal block (valid snappy, merely uncompressed). Enough
 * to put series shaped as k6's remote-write output writes them into a real Prometheus, so that the
 * k6 dashboard's and the export's PromQL can be run against it.
 */

/** A native histogram, as Prometheus's protobuf holds it: integer counts, one span of positive buckets. */
export interface NativeHistogram {
  readonly count: number;
  readonly sum: number;
  /** Buckets are (2^(i-1), 2^i] at schema 0. */
  readonly schema: number;
  /** Index of the first bucket, then one count per consecutive bucket. */
  readonly offset: number;
  readonly buckets: readonly number[];
}

export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  readonly samples?: readonly { readonly t: number; readonly v: number }[];
  readonly histograms?: readonly { readonly t: number; readonly h: NativeHistogram }[];
}

class Proto {
  readonly bytes: number[] = [];

  varint(n: bigint): this {
    let x = BigInt.asUintN(64, n);
    while (x > 0x7fn) {
      this.bytes.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.bytes.push(Number(x));
    return this;
  }

  key(field: number, wire: 0 | 1 | 2): this {
    return this.varint(BigInt((field << 3) | wire));
  }

  uint(field: number, n: number): this {
    return this.key(field, 0).varint(BigInt(n));
  }

  sint(field: number, n: number): this {
    const z = n >= 0 ? BigInt(n) * 2n : BigInt(-n) * 2n - 1n;
    return this.key(field, 0).varint(z);
  }

  double(field: number, v: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    this.key(field, 1).bytes.push(...b);
    return this;
  }

  bytesField(field: number, payload: readonly number[] | Uint8Array): this {
    this.key(field, 2).varint(BigInt(payload.length)).bytes.push(...payload);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytesField(field, Buffer.from(s, 'utf8'));
  }

  message(field: number, m: Proto): this {
    return this.bytesField(field, m.bytes);
  }
}

function histogram(t: number, h: NativeHistogram): Proto {
  const m = new Proto().uint(1, h.count).double(3, h.sum).sint(4, h.schema).double(5, 0).uint(6, 0);
  m.message(11, new Proto().sint(1, h.offset).uint(2, h.buckets.length));
  // Positive buckets as deltas from the previous bucket, packed sint64.
  const deltas = new Proto();
  let previous = 0;
  for (const c of h.buckets) {
    const d = c - previous;
    deltas.varint(d >= 0 ? BigInt(d) * 2n : BigInt(-d) * 2n - 1n);
    previous = c;
  }
  m.bytesField(12, deltas.bytes);
  return m.uint(15, t);
}

export function writeRequest(series: readonly Series[]): Buffer {
  const req = new Proto();
  for (const s of series) {
    const ts = new Proto();
    // Sorted by name, __name__ first, as Prometheus expects.
    for (const [name, value] of Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) ts.message(1, new Proto().string(1, name).string(2, value));
    for (const x of s.samples ?? []) ts.message(2, new Proto().double(1, x.v).uint(2, x.t));
    for (const x of s.histograms ?? []) ts.message(4, histogram(x.t, x.h));
    req.message(1, ts);
  }
  return snappyLiteral(Buffer.from(req.bytes));
}

/** Snappy's block format with the whole input as one literal: the length, then a 4-byte literal header. */
function snappyLiteral(data: Buffer): Buffer {
  const head = new Proto().varint(BigInt(data.length)).bytes;
  const tag = Buffer.alloc(5);
  tag[0] = 63 << 2;
  tag.writeUInt32LE(data.length - 1, 1);
  return Buffer.concat([Buffer.from(head), tag, data]);
}

export async function remoteWrite(url: string, series: readonly Series[]): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' },
    body: writeRequest(series),
  });
  if (!res.ok) throw new Error(`remote write: HTTP ${res.status} ${await res.text()}`);
}
