import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cancellation, NEVER_CANCELLED } from './cancellation.js';

describe('Cancellation', () => {
  it('aborts once, with an AbortError by default, and calls each listener once', () => {
    const cancellation = new Cancellation();
    const calls: string[] = [];
    cancellation.addEventListener('abort', () => calls.push('a'));
    cancellation.addEventListener('abort', () => calls.push('b'));
    expect(cancellation.aborted).toBe(false);
    expect(cancellation.reason).toBeUndefined();
    cancellation.abort();
    cancellation.abort(new Error('second'));
    expect(calls).toEqual(['a', 'b']);
    expect(cancellation.aborted).toBe(true);
    expect(cancellation.reason).toBeInstanceOf(DOMException);
    expect((cancellation.reason as DOMException).name).toBe('AbortError');
    expect(cancellation.listenerCount('abort')).toBe(0);
  });

  it('keeps the reason it was given and forgets removed listeners', () => {
    const cancellation = new Cancellation();
    const listener = (): void => {
      throw new Error('must not run');
    };
    cancellation.addEventListener('abort', listener);
    cancellation.removeEventListener('abort', listener);
    const reason = new Error('deadline');
    cancellation.abort(reason);
    expect(cancellation.reason).toBe(reason);
  });

  it('follows a real AbortSignal until unlinked', () => {
    const source = new AbortController();
    const linked = new Cancellation();
    linked.follow(source.signal);
    source.abort('gone');
    expect(linked.aborted).toBe(true);
    expect(linked.reason).toBe('gone');

    const other = new AbortController();
    const unlinked = new Cancellation();
    const unlink = unlinked.follow(other.signal);
    unlink();
    other.abort();
    expect(unlinked.aborted).toBe(false);
  });

  it('follows another Cancellation, aborted already or later', () => {
    const done = new Cancellation();
    done.abort('early');
    const late = new Cancellation();
    late.follow(done);
    expect(late.reason).toBe('early');

    const parent = new Cancellation();
    const child = new Cancellation();
    child.follow(parent);
    expect(parent.listenerCount('abort')).toBe(1);
    parent.abort('now');
    expect(child.reason).toBe('now');
  });

  it('NEVER_CANCELLED is never aborted and accepts listeners', () => {
    NEVER_CANCELLED.addEventListener('abort', () => undefined);
    expect(NEVER_CANCELLED.aborted).toBe(false);
  });
});

/** undici takes a Cancellation as a request signal and aborts the request with it. */
describe('Cancellation as an undici signal', () => {
  let server: Server;
  let pool: Pool;
  beforeAll(async () => {
    // Answers nothing: the request stays open until it is aborted.
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    pool = new Pool(`http://127.0.0.1:${port}`);
  });
  afterAll(async () => {
    await pool.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('aborts an in-flight request and removes its listener when the request ends', async () => {
    const cancellation = new Cancellation();
    const pending = pool.request({ path: '/', method: 'GET', signal: cancellation });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cancellation.listenerCount('abort')).toBe(1);
    const reason = new Error('deadline');
    cancellation.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('refuses to start a request whose cancellation has already aborted', async () => {
    const cancellation = new Cancellation();
    cancellation.abort();
    await expect(pool.request({ path: '/', method: 'GET', signal: cancellation })).rejects.toThrow(
      /aborted/i,
    );
  });
});
