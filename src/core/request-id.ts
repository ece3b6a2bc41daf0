import { randomFillSync } from 'node:crypto';

/**
 * Request ids are UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then 74 random bits.
 * They key `spend_logs`, and time-ordered keys append to its primary-key B-tree instead of
 * landing on a random page: with random (v4) ids every spend row dirtied its own index page,
 * so each batch's WAL write grew with the table (~3× the CPU per row at a few hundred thousand
 * rows). Within one millisecond the 12 bits after the version are a counter (RFC 9562 §6.2,
 * method 1) that starts at a random value below 0x400, so ids also sort in the order they were
 * made: spend logs list newest first by start time, then by id.
 */

/** Random bytes for 256 ids, refilled when used up (one getrandom call instead of 256). */
const RANDOM_BYTES_PER_ID = 10;
const pool = Buffer.alloc(256 * RANDOM_BYTES_PER_ID);
let poolOffset = pool.length;

/** The variant nibble (0b10xx) for each random nibble. */
const VARIANT: Readonly<Record<string, string>> = Object.fromEntries(
  [...'0123456789abcdef'].map((nibble) => [
    nibble,
    (8 | (Number.parseInt(nibble, 16) & 3)).toString(16),
  ]),
);

/** The time part of the last id (`xxxxxxxx-xxxx-`), reused within its millisecond. */
let prefixMs = Number.NaN;
let prefix = '';

function timePrefix(epochMs: number): string {
  if (epochMs !== prefixMs) {
    const time = Math.trunc(epochMs).toString(16).padStart(12, '0').slice(-12);
    prefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-`;
    prefixMs = epochMs;
  }
  return prefix;
}

/** The millisecond of the last id, and its counter. */
let counterMs = Number.NaN;
let counter = 0;

export function newRequestId(epochMs: number = Date.now()): string {
  if (poolOffset + RANDOM_BYTES_PER_ID > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  // 20 random hex digits: the first becomes the version (7), two bits of the fifth the variant.
  const random = pool.toString('hex', poolOffset, poolOffset + RANDOM_BYTES_PER_ID);
  poolOffset += RANDOM_BYTES_PER_ID;
  if (epochMs === counterMs) {
    // More than ~3000 ids in one millisecond: the last ones share a counter value (then only
    // the random bits order them).
    counter = Math.min(counter + 1, 0xfff);
  } else {
    counterMs = epochMs;
    counter = Number.parseInt(random.slice(1, 4), 16) & 0x3ff;
  }
  const sequence = counter.toString(16).padStart(3, '0');
  return `${timePrefix(epochMs)}7${sequence}-${VARIANT[random.charAt(4)] ?? '8'}${random.slice(5, 8)}-${random.slice(8)}`;
}
