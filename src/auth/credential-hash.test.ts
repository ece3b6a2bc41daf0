import { describe, expect, it } from 'vitest';
import { RequestContext } from '../core/request-context.js';
import { credentialHash, matchesStoredHash } from './credential-hash.js';
import { hashKey } from './key-hash.js';

function context(credential: string | undefined): RequestContext {
  return new RequestContext({ kind: 'chat', credential, signal: new AbortController().signal });
}

describe('credentialHash', () => {
  it('is the key hash, computed once per request and kept on its context', () => {
    const ctx = context('sk-presented-0123456789');
    expect(ctx.state.size).toBe(0);
    expect(credentialHash(ctx)).toBe(hashKey('sk-presented-0123456789'));
    expect(ctx.state.size).toBe(1);
    expect(credentialHash(ctx)).toBe(hashKey('sk-presented-0123456789'));
    expect(ctx.state.size).toBe(1);
  });

  it('is undefined without a presented key', () => {
    expect(credentialHash(context(undefined))).toBeUndefined();
  });
});

describe('matchesStoredHash', () => {
  const stored = Buffer.from(hashKey('sk-master-0123456789'), 'hex');

  it('accepts the stored key only', () => {
    expect(matchesStoredHash(hashKey('sk-master-0123456789'), stored)).toBe(true);
    expect(matchesStoredHash(hashKey('sk-master-012345678'), stored)).toBe(false);
    expect(matchesStoredHash(undefined, stored)).toBe(false);
    expect(matchesStoredHash('abcd', stored)).toBe(false);
  });
});
