import type { ChatChunk } from './chat-chunk.js';

/**
 * The JSON text of a chunk as an OpenAI-compatible upstream sent it, when the canonical chunk is
 * exactly what that text says (nothing repaired, renamed or dropped). The SSE writer then sends
 * the upstream's text instead of serialising the object again: re-serialising every chunk was
 * the largest per-chunk cost of an OpenAI-to-OpenAI stream after parsing it (BENCHMARKS.md
 * notes, 2026-11-24).
 *
 * Held in a symbol property together with the chunk it was recorded for: a copy of a chunk
 * (`{ ...chunk, model }` copies the symbol property too) is not that chunk, so it is serialised
 * as usual; JSON.stringify and structuredClone never see symbol properties. (Cheaper than a
 * non-enumerable property, which needs a runtime call per chunk, or a WeakMap, whose entries go
 * through V8's ephemeron barrier: both showed in the stream profile.) Code that changes a chunk
 * in place after the adapter handed it on would make the text stale: nothing does (transports
 * and observers only read chunks; the usage chunk that gets `usage.cost` is built by the
 * adapter, never from wire text).
 */
const WIRE = Symbol('wire-json');

interface WireRecord {
  readonly owner: ChatChunk;
  readonly text: string;
}

type WithWire = ChatChunk & { [WIRE]?: WireRecord };

export function rememberWireJson(chunk: ChatChunk, json: string): void {
  (chunk as WithWire)[WIRE] = { owner: chunk, text: json };
}

/** The chunk's JSON: the upstream's own text when it still says exactly this, else serialised. */
export function chunkJson(chunk: ChatChunk): string {
  const wire = (chunk as WithWire)[WIRE];
  return wire !== undefined && wire.owner === chunk ? wire.text : JSON.stringify(chunk);
}
