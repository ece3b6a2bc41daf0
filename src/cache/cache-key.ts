import { createHash } from 'node:crypto';
import type { ChatRequest } from '../core/chat-request.js';
import type { EmbeddingRequest } from '../core/embeddings.js';
import type { Principal } from '../core/principal.js';

export const CACHE_SCOPES = ['global', 'team', 'key'] as const;
export type CacheScope = (typeof CACHE_SCOPES)[number];

/**
 * Request fields that never change the answer: who asks (`user`, `metadata`), how it is
 * delivered (`stream`, `stream_options`), the gateway's own controls, and `model`, which is
 * replaced by the resolved model group so that aliases share entries.
 */
const IGNORED_FIELDS = new Set([
  'model',
  'user',
  'metadata',
  'stream',
  'stream_options',
  'cache',
  'fallbacks',
]);

/** What, besides the request, an entry is keyed on. */
export interface CacheKeyInput {
  readonly request: ChatRequest;
  /** The model group that serves the request. */
  readonly group: string;
  /** From `scopeTag`: who may share the entry. */
  readonly scope: string;
  /** The request's `cache.namespace`, if any. */
  readonly namespace: string | undefined;
}

/**
 * The exact-cache key: a SHA-256 of the canonical JSON of every field that can change the answer
 * (messages, tools, tool_choice, response_format, sampling, seed, n, stop, token caps,
 * reasoning_effort, provider_options, and unknown fields passed through to OpenAI-compatible
 * upstreams), so key order and irrelevant fields do not defeat it.
 */
export function cacheKey(input: CacheKeyInput): string {
  const hash = createHash('sha256');
  hash.update(canonicalJson({ group: input.group, fields: answerFields(input.request) }));
  return `${tagOf(input)}:${hash.digest('base64url')}`;
}

/**
 * The exact-cache key of an embeddings request: the same scheme over its input, `dimensions`
 * and provider options, marked so that it never equals a chat key. `encoding_format` is left out:
 * the pipeline's answer is float vectors either way (adapters decode what they asked upstream
 * for), and only the transport encodes them, so a base64 and a float request share an entry.
 */
export function embeddingCacheKey(
  input: Omit<CacheKeyInput, 'request'> & {
    readonly request: EmbeddingRequest;
  },
): string {
  const { encoding_format: _format, ...fields } = answerFields(input.request);
  const hash = createHash('sha256');
  hash.update(canonicalJson({ kind: 'embedding', group: input.group, fields }));
  return `${tagOf(input)}:e.${hash.digest('base64url')}`;
}

/**
 * The semantic-cache partition: the same hash without the messages. Only prompts with the same
 * group, tools, parameters, scope and namespace are ever compared.
 */
export function semanticPartition(input: CacheKeyInput): string {
  const { messages: _messages, ...rest } = answerFields(input.request);
  const hash = createHash('sha256');
  hash.update(canonicalJson({ group: input.group, fields: rest }));
  return `${tagOf(input)}:${hash.digest('base64url')}`;
}

/** Who shares an entry under a scope; a key without a team falls back to its own key. */
export function scopeTag(scope: CacheScope, principal: Principal | undefined): string {
  if (scope === 'global') return 'g';
  const keyTag =
    principal?.keyId === undefined ? (principal?.kind ?? 'anonymous') : `k.${principal.keyId}`;
  if (scope === 'key') return keyTag;
  return principal?.teamId === undefined ? keyTag : `t.${principal.teamId}`;
}

function tagOf(input: Pick<CacheKeyInput, 'scope' | 'namespace'>): string {
  const namespace =
    input.namespace === undefined ? '' : `n.${encodeURIComponent(input.namespace)}:`;
  return `${namespace}${input.scope}`;
}

function answerFields(request: object): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request)) {
    if (!IGNORED_FIELDS.has(name)) fields[name] = value;
  }
  return fields;
}

/**
 * JSON with object keys sorted at every depth and null/undefined members dropped (the schema
 * treats an absent field and `null` alike). Array order is kept: it is meaningful.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== null && member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, member]) => `${JSON.stringify(name)}:${canonicalJson(member)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}
