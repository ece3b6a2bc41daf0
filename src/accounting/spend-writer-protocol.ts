import type { EncodedSpendRows } from './spend-row-codec.js';

/** Messages from the gateway to the spend writer worker. */
export type WorkerRequest =
  | { readonly type: 'batch'; readonly id: number; readonly batch: EncodedSpendRows }
  | { readonly type: 'close' };

/** Replies from the worker: one per batch; a failed batch comes back for a retry. */
export type WorkerReply =
  | { readonly type: 'written'; readonly id: number; readonly count: number }
  | {
      readonly type: 'failed';
      readonly id: number;
      readonly error: string;
      readonly batch: EncodedSpendRows;
    };
