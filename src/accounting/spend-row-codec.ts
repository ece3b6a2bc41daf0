import { SPEND_ROW_COLUMNS, type SpendRow } from './spend-row.js';

/**
 * Spend rows waiting for the writer thread, encoded into one off-heap buffer as they are
 * enqueued. A row kept as JavaScript values lives until its batch is committed (tens of ms), long
 * enough to be copied by the young-generation GC and promoted: under load that cost the request
 * thread and V8's GC helpers more than building and cloning the rows. Bytes in an ArrayBuffer
 * are never scanned, and the buffer is transferred to the worker without a copy.
 *
 * Each value: a tag byte, then nothing (null), a float64 (number, exact for the integers used
 * here) or a uint32 byte length and UTF-8 bytes (string), all little-endian.
 */
export interface EncodedSpendRows {
  readonly bytes: Uint8Array;
  readonly rows: number;
}

const NULL = 0;
const NUMBER = 1;
const STRING = 2;

const INITIAL_BYTES = 64 * 1024;
/** Worst case for a string's UTF-8 form: 3 bytes per UTF-16 code unit. */
const MAX_UTF8_BYTES_PER_UNIT = 3;

export class SpendRowEncoder {
  private bytes = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  private view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  private length = 0;
  private count = 0;

  /** Rows appended since the last {@link take}. */
  get rows(): number {
    return this.count;
  }

  append(row: SpendRow): void {
    for (const value of row) {
      if (value === null) {
        this.reserve(1);
        this.bytes[this.length++] = NULL;
      } else if (typeof value === 'number') {
        this.reserve(9);
        this.bytes[this.length] = NUMBER;
        this.view.setFloat64(this.length + 1, value, true);
        this.length += 9;
      } else {
        this.appendString(value);
      }
    }
    this.count += 1;
  }

  private appendString(value: string): void {
    this.reserve(5 + value.length * MAX_UTF8_BYTES_PER_UNIT);
    const bytes = this.bytes;
    const start = this.length + 5;
    // Ids, model names and statuses are short ASCII: copying them here costs less than a call
    // into Buffer#write each; anything else goes through the UTF-8 encoder.
    let end = start;
    for (let index = 0; index < value.length; index += 1) {
      const code = value.charCodeAt(index);
      if (code >= 0x80) {
        end = start + bytes.write(value, start, 'utf8');
        break;
      }
      bytes[end++] = code;
    }
    bytes[this.length] = STRING;
    this.view.setUint32(this.length + 1, end - start, true);
    this.length = end;
  }

  /** The rows appended so far, in a buffer of their own; the encoder starts over, empty. */
  take(): EncodedSpendRows {
    const taken = { bytes: this.bytes.subarray(0, this.length), rows: this.count };
    this.bytes = Buffer.allocUnsafeSlow(INITIAL_BYTES);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    this.length = 0;
    this.count = 0;
    return taken;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.bytes.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.length + bytes));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }
}

/** The rows of an encoded batch, as the insert's positional values. */
export function decodeSpendRows(encoded: EncodedSpendRows): SpendRow[] {
  const { bytes } = encoded;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = SPEND_ROW_COLUMNS.length;
  const rows: SpendRow[] = [];
  let offset = 0;
  for (let row = 0; row < encoded.rows; row += 1) {
    const values: Array<string | number | null> = new Array<string | number | null>(width);
    for (let column = 0; column < width; column += 1) {
      const tag = text[offset];
      if (tag === NULL) {
        values[column] = null;
        offset += 1;
      } else if (tag === NUMBER) {
        values[column] = view.getFloat64(offset + 1, true);
        offset += 9;
      } else if (tag === STRING) {
        const length = view.getUint32(offset + 1, true);
        values[column] = text.toString('utf8', offset + 5, offset + 5 + length);
        offset += 5 + length;
      } else {
        throw new Error(`Corrupt spend row batch: tag ${String(tag)} at byte ${offset}`);
      }
    }
    // The encoder wrote a SpendRow's values, in order, with their types.
    rows.push(values as unknown as SpendRow);
  }
  if (offset !== bytes.byteLength) {
    throw new Error(`Corrupt spend row batch: ${bytes.byteLength - offset} bytes left over`);
  }
  return rows;
}
