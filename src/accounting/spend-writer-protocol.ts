import type { NewSpendLogRow } from '../db/schema/spend-logs.js';

/** Messages from the gateway to the spend writer worker. */
export type WorkerRequest =
  | { readonly type: 'batch'; readonly id: number; readonly rows: readonly NewSpendLogRow[] }
  | { readonly type: 'close' };

/** Replies from the worker: one per batch. */
export type WorkerReply =
  | { readonly type: 'written'; readonly id: number; readonly count: number }
  | { readonly type: 'failed'; readonly id: number; readonly error: string };
