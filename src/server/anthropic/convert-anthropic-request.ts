import type { ChatRequest } from '../../core/chat-request.js';
import { mergeProviderOptions } from '../../core/provider-options.js';
import {
  KNOWN_REQUEST_FIELDS,
  TOLLGATE_FIELDS,
  type AnthropicCountTokensRequest,
} from './anthropic-request.js';
import { convertAnthropicMessages } from './convert-anthropic-messages.js';
import { convertAnthropicTools } from './convert-anthropic-tools.js';
import {
  createConversionNotes,
  type ConversionNotes,
  type UnsupportedFeature,
} from './conversion-notes.js';
import { mapThinkingToReasoningEffort, thinkingIsOn } from './map-thinking-to-reasoning-effort.js';

/**
 * An Anthropic Messages request → the canonical ChatRequest that the core pipeline serves from
 * any provider. Field by field:
 *
 * - `max_tokens` → `max_completion_tokens` (both cap the whole output, thinking included; OpenAI
 *   reasoning models refuse the legacy `max_tokens`);
 * - `stop_sequences` → `stop`; `temperature`, `top_p` as they are; `metadata.user_id` → `user`;
 * - `thinking` / `output_config.effort` → `reasoning_effort` when thinking is on
 *   (map-thinking-to-reasoning-effort.ts);
 *   `output_config.format` (JSON schema) → `response_format: json_schema`, strict, as Anthropic's
 *   structured outputs are;
 * - messages, tools and tool_choice: convert-anthropic-messages.ts, convert-anthropic-tools.ts;
 * - Tollgate's gateway fields (`provider_options`, `fallbacks`, `cache`, `mock_response`) kept.
 *
 * Anthropic passthrough: `provider_options.anthropic` receives the original request (all but
 * `model`, `stream` and Tollgate's fields; the `anthropic-beta` header as `betas`), and
 * providers deep-merge their options into their native request last, so an anthropic
 * deployment sends exactly what the client wrote: the
 * exact thinking budget, `top_k`, `cache_control` breakpoints, thinking signatures, server tools
 * and fields newer than this schema. The client's own `provider_options.anthropic` is merged
 * over it. What other providers cannot honour is returned as notes (enforce-target-support.ts).
 */

/** Where the request came from, besides its parsed form. */
export interface AnthropicRequestSource {
  /** The body as received (validated), for the passthrough. */
  readonly raw: Readonly<Record<string, unknown>>;
  /** The client's `anthropic-beta` header values. */
  readonly betas?: readonly string[] | undefined;
}

export interface AnthropicConversion {
  readonly request: ChatRequest;
  readonly unsupported: readonly UnsupportedFeature[];
  /** Prompt-caching hints were present (honoured by anthropic deployments only). */
  readonly cacheControl: boolean;
}

/**
 * The raw body's fields an anthropic deployment should receive as they are, and the client's
 * beta flags as `betas` (which the anthropic adapter sends as the `anthropic-beta` header).
 */
function anthropicPassthrough(source: AnthropicRequestSource): Record<string, unknown> {
  const native: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source.raw)) {
    if (key !== 'model' && key !== 'stream' && !TOLLGATE_FIELDS.has(key)) native[key] = value;
  }
  if (source.betas !== undefined && source.betas.length > 0) native.betas = [...source.betas];
  return native;
}

function noteNativeOnly(
  inbound: AnthropicCountTokensRequest,
  raw: Readonly<Record<string, unknown>>,
  notes: ConversionNotes,
): void {
  if (typeof inbound.top_k === 'number') {
    notes.unsupported.push({ param: 'top_k', reason: 'top-k sampling' });
  }
  const effort = inbound.output_config?.effort;
  if (effort !== undefined && effort !== null && !thinkingIsOn(inbound)) {
    notes.unsupported.push({ param: 'output_config.effort', reason: 'effort without thinking' });
  }
  const thinkingType = inbound.thinking?.type;
  if (thinkingType !== undefined && !['enabled', 'disabled', 'adaptive'].includes(thinkingType)) {
    notes.unsupported.push({
      param: 'thinking.type',
      reason: `thinking of type "${thinkingType}"`,
    });
  }
  for (const key of Object.keys(raw)) {
    if (KNOWN_REQUEST_FIELDS.has(key)) continue;
    // Top-level cache_control turns on automatic caching: a hint like the per-block ones.
    if (key === 'cache_control') notes.cacheControl = true;
    else notes.unsupported.push({ param: key, reason: 'an Anthropic-only field' });
  }
}

export function convertAnthropicRequest(
  inbound: AnthropicCountTokensRequest,
  source: AnthropicRequestSource,
): AnthropicConversion {
  const notes = createConversionNotes();
  const request: ChatRequest = {
    model: inbound.model,
    messages: convertAnthropicMessages(inbound, notes),
    ...convertAnthropicTools(inbound, notes),
  };
  if (typeof inbound.max_tokens === 'number') request.max_completion_tokens = inbound.max_tokens;
  if (inbound.stream === true) request.stream = true;
  if (typeof inbound.temperature === 'number') request.temperature = inbound.temperature;
  if (typeof inbound.top_p === 'number') request.top_p = inbound.top_p;
  if (inbound.stop_sequences !== undefined && inbound.stop_sequences !== null) {
    if (inbound.stop_sequences.length > 0) request.stop = inbound.stop_sequences;
  }
  const effort = mapThinkingToReasoningEffort(inbound);
  if (effort !== undefined) request.reasoning_effort = effort;
  const format = inbound.output_config?.format;
  if (format !== undefined && format !== null) {
    request.response_format = {
      type: 'json_schema',
      json_schema: { name: 'output', schema: format.schema, strict: true },
    };
  }
  const userId = inbound.metadata?.user_id;
  if (typeof userId === 'string') request.user = userId;
  noteNativeOnly(inbound, source.raw, notes);

  if (inbound.fallbacks !== undefined && inbound.fallbacks !== null) {
    request.fallbacks = inbound.fallbacks;
  }
  if (inbound.cache !== undefined && inbound.cache !== null) request.cache = inbound.cache;
  if (typeof inbound.mock_response === 'string') request.mock_response = inbound.mock_response;
  const clientOptions = inbound.provider_options ?? {};
  request.provider_options = {
    ...clientOptions,
    anthropic: mergeProviderOptions(anthropicPassthrough(source), clientOptions.anthropic),
  };
  return { request, unsupported: notes.unsupported, cacheControl: notes.cacheControl };
}
