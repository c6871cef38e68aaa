import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip, crc32, type Gzip } from 'node:zlib';
import { ParabenchError } from '../../core/errors.js';
import type { Tx } from '../../core/tx.js';
import { Encoder, encodeTx, TAG_TRAILER, TRACE_MAGIC, TRAILER_BYTES, type TraceHeader } from './format.js';

const FLUSH_BYTES = 1 << 20;

/**
 * Writes a trace as it is generated: records go into a 1 MB buffer, flushed to the file (through
 * gzip when the name ends in .gz) with back-pressure, so memory stays flat however long the trace.
 */
export class TraceWriter {
  private readonly sink: Gzip | WriteStream;
  private readonly file: WriteStream;
  private readonly encoder = new Encoder(FLUSH_BYTES + 64 * 1024);
  private readonly kindIds: Map<string, number>;
  private previousUs = 0;
  private count = 0;
  private crc = 0;
  private failure: Error | undefined;

  private constructor(path: string, header: TraceHeader) {
    this.file = createWriteStream(path);
    this.sink = path.endsWith('.gz') ? createGzip({ level: 1 }) : this.file;
    if (this.sink !== this.file) this.sink.pipe(this.file);
    for (const s of new Set([this.sink, this.file])) s.on('error', (e: Error) => (this.failure ??= e));
    this.kindIds = new Map(header.kinds.map((k, i) => [k, i]));
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(json.length);
    this.sink.write(Buffer.concat([TRACE_MAGIC, length, json]));
  }

  static async create(path: string, shown: string, header: TraceHeader): Promise<TraceWriter> {
    const writer = new TraceWriter(path, header);
    await Promise.race([once(writer.file, 'open'), once(writer.file, 'error')]).catch(() => undefined);
    if (writer.failure) {
      throw new ParabenchError('OUTPUT_UNWRITABLE', `cannot write the trace to ${shown}: ${(writer.failure as NodeJS.ErrnoException).code ?? writer.failure.message}`);
    }
    return writer;
  }

  /** Adds a transaction due at `intendedMs`; true when the buffer is full and `flush()` should be awaited. */
  append(intendedMs: number, tx: Tx): boolean {
    const kindId = this.kindIds.get(tx.kind);
    if (kindId === undefined) throw new Error(`kind ${tx.kind} is not in the trace header`);
    const us = Math.round(intendedMs * 1000);
    encodeTx(this.encoder, Math.max(0, us - this.previousUs), kindId, tx);
    this.previousUs = Math.max(us, this.previousUs);
    this.count++;
    return this.encoder.pos >= FLUSH_BYTES;
  }

  async flush(): Promise<void> {
    const e = this.encoder;
    if (e.pos === 0) return;
    const chunk = Buffer.from(e.buf.subarray(0, e.pos));
    e.pos = 0;
    this.crc = crc32(chunk, this.crc);
    await this.write(chunk);
  }

  /** Writes the trailer (count and checksum) and closes the file; returns the transactions written. */
  async close(): Promise<number> {
    await this.flush();
    const trailer = Buffer.alloc(TRAILER_BYTES);
    trailer[0] = TAG_TRAILER;
    trailer.writeUInt32LE(this.count % 2 ** 32, 1);
    trailer.writeUInt32LE(Math.floor(this.count / 2 ** 32), 5);
    trailer.writeUInt32LE(this.crc >>> 0, 9);
    await this.write(trailer);
    this.sink.end();
    await once(this.file, 'close');
    if (this.failure) throw this.failure;
    return this.count;
  }

  private async write(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.sink.write(chunk)) await once(this.sink, 'drain');
  }
}
