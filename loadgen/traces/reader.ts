import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip, crc32 } from 'node:zlib';
import { ParabenchError } from '../../core/errors.js';
import {
  Corrupt,
  Decoder,
  decodeTx,
  NeedMore,
  READABLE_SCHEMAS,
  TAG_TRAILER,
  TRACE_MAGIC,
  TRAILER_BYTES,
  type DecodedTx,
  type TraceHeader,
} from './format.js';

const GZIP_MAGIC = [0x1f, 0x8b];

/** True when the file starts like a trace (plain or gzip), so a command can take a trace or a profile. */
export async function looksLikeTrace(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await fh.read(Buffer.alloc(8), 0, 8, 0);
      if (bytesRead >= 2 && buffer[0] === GZIP_MAGIC[0] && buffer[1] === GZIP_MAGIC[1]) return true;
      return bytesRead === 8 && buffer.equals(TRACE_MAGIC);
    } finally {
      await fh.close();
    }
  } catch {
    return false;
  }
}

/**
 * Reads a trace as a stream of decoded transactions, in batches, in constant memory. Every way a
 * file can be wrong ends in a ParabenchError (exit 2) naming the byte where it broke: a bad magic,
 * a header of another version, a record that is not one, a file cut short, a wrong checksum.
 */
export class TraceReader {
  readonly header: TraceHeader;
  private readonly shown: string;
  private readonly chunks: AsyncIterator<Buffer>;
  private readonly gzipped: boolean;
  private pending: Buffer;
  /** Offset in the (decompressed) file of pending[0]. */
  private offset: number;

  private constructor(shown: string, header: TraceHeader, chunks: AsyncIterator<Buffer>, pending: Buffer, offset: number, gzipped: boolean) {
    this.shown = shown;
    this.header = header;
    this.chunks = chunks;
    this.pending = pending;
    this.offset = offset;
    this.gzipped = gzipped;
  }

  static async open(path: string, shown = path): Promise<TraceReader> {
    let gzipped: boolean;
    try {
      const fh = await open(path, 'r');
      const { buffer, bytesRead } = await fh.read(Buffer.alloc(2), 0, 2, 0);
      await fh.close();
      gzipped = bytesRead === 2 && buffer[0] === GZIP_MAGIC[0] && buffer[1] === GZIP_MAGIC[1];
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ParabenchError('TRACE_NOT_FOUND', code === 'ENOENT' ? `trace not found: ${shown}` : `cannot read trace ${shown}: ${code ?? (e as Error).message}`);
    }
    const file = createReadStream(path, { highWaterMark: 1 << 16 });
    const stream = gzipped ? file.pipe(createGunzip()) : file;
    if (gzipped) file.on('error', (e) => stream.destroy(e));
    const chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    const where = gzipped ? ' of the decompressed trace' : '';

    // Header: magic, length, JSON.
    let pending = Buffer.alloc(0);
    const need = async (n: number, what: string): Promise<void> => {
      while (pending.length < n) {
        const next = await nextChunk(chunks, shown);
        if (next === undefined) throw new ParabenchError('TRACE_INVALID', `${shown}: truncated at byte ${pending.length}${where}, in the ${what}`);
        pending = Buffer.concat([pending, next]);
      }
    };
    await need(TRACE_MAGIC.length + 4, 'header');
    if (!pending.subarray(0, TRACE_MAGIC.length).equals(TRACE_MAGIC)) {
      throw new ParabenchError('TRACE_INVALID', `${shown}: not a parabench trace (it does not start with "PBTRACE")`, {
        hint: 'Record one with `parabench record PROFILE --trace FILE`.',
      });
    }
    const length = pending.readUInt32LE(TRACE_MAGIC.length);
    if (length > 64 << 20) throw new ParabenchError('TRACE_INVALID', `${shown}: corrupt header at byte ${TRACE_MAGIC.length}${where}: ${length} bytes long`);
    const start = TRACE_MAGIC.length + 4;
    await need(start + length, 'header');
    let header: TraceHeader;
    try {
      header = JSON.parse(pending.subarray(start, start + length).toString('utf8')) as TraceHeader;
    } catch (e) {
      throw new ParabenchError('TRACE_INVALID', `${shown}: corrupt header at byte ${start}${where}: ${(e as Error).message}`);
    }
    if (!READABLE_SCHEMAS.includes(header.schema)) {
      throw new ParabenchError(
        'TRACE_INVALID',
        `${shown} is ${JSON.stringify(header.schema ?? 'of no known version')}; this parabench reads ${READABLE_SCHEMAS.join(', ')}`,
        { hint: 'Record the trace again with this version of parabench.' },
      );
    }
    if (!Array.isArray(header.kinds) || typeof header.count !== 'number' || typeof header.genesis !== 'object' || header.genesis === null) {
      throw new ParabenchError('TRACE_INVALID', `${shown}: corrupt header at byte ${start}${where}: kinds, count or genesis missing`);
    }
    return new TraceReader(shown, header, chunks, pending.subarray(start + length), start + length, gzipped);
  }

  /** The transactions, in batches of up to `batchSize`, checked against the trailer at the end. */
  async *batches(batchSize = 4096): AsyncGenerator<DecodedTx[]> {
    const where = this.gzipped ? ' of the decompressed trace' : '';
    const fail = (at: number, what: string): never => {
      throw new ParabenchError('TRACE_INVALID', `${this.shown}: ${what} at byte ${at}${where}`, {
        hint: 'The file was cut short or damaged: record the trace again.',
      });
    };
    const kinds = this.header.kinds;
    let id = 0;
    let previousUs = 0;
    let crc = 0;
    let batch: DecodedTx[] = [];
    for (;;) {
      const d = new Decoder(this.pending);
      let consumed = 0;
      let trailer = false;
      try {
        while (d.pos < d.end) {
          const tag = this.pending[d.pos]!;
          if (tag === TAG_TRAILER) {
            trailer = true;
            break;
          }
          d.pos++;
          const decoded = decodeTx(d, tag, id, previousUs, kinds);
          previousUs = decoded.intendedUs;
          id++;
          consumed = d.pos;
          batch.push(decoded);
          if (batch.length >= batchSize) {
            yield batch;
            batch = [];
          }
        }
      } catch (e) {
        if (e instanceof Corrupt) fail(this.offset + consumed, `corrupt record (${e.message}) of transaction ${id}`);
        if (!(e instanceof NeedMore)) throw e;
      }
      crc = crc32(this.pending.subarray(0, consumed), crc);
      if (trailer) {
        if (this.pending.length - consumed < TRAILER_BYTES) {
          const more = await nextChunk(this.chunks, this.shown);
          if (more === undefined) return fail(this.offset + this.pending.length, 'truncated trailer');
          this.advance(consumed, more);
          continue;
        }
        const t = this.pending.subarray(consumed, consumed + TRAILER_BYTES);
        const count = t.readUInt32LE(1) + t.readUInt32LE(5) * 2 ** 32;
        const at = this.offset + consumed;
        if (count !== id || count !== this.header.count) fail(at, `the trailer counts ${count} transactions, the file has ${id} and its header ${this.header.count}`);
        if (t.readUInt32LE(9) !== crc >>> 0) fail(at, 'checksum mismatch (the records were altered)');
        if (this.pending.length > consumed + TRAILER_BYTES || (await nextChunk(this.chunks, this.shown)) !== undefined) {
          fail(at + TRAILER_BYTES, 'data after the trailer');
        }
        if (batch.length > 0) yield batch;
        return;
      }
      const more = await nextChunk(this.chunks, this.shown);
      if (more === undefined) {
        return fail(this.offset + consumed, `truncated after ${id} of ${this.header.count} transactions (no trailer: the recording did not finish)`);
      }
      this.advance(consumed, more);
    }
  }

  private advance(consumed: number, more: Buffer): void {
    this.offset += consumed;
    const rest = this.pending.subarray(consumed);
    this.pending = rest.length === 0 ? more : Buffer.concat([rest, more]);
  }
}

async function nextChunk(chunks: AsyncIterator<Buffer>, shown: string): Promise<Buffer | undefined> {
  try {
    const r = await chunks.next();
    return r.done ? undefined : r.value;
  } catch (e) {
    throw new ParabenchError('TRACE_INVALID', `${shown}: cannot be read: ${(e as Error).message}`, {
      hint: 'A gzip trace that fails here was cut short or damaged.',
    });
  }
}
