import type { EmbeddingResponse } from '../../core/embeddings.js';
import { GatewayError } from '../../core/errors.js';
import { formatZodIssues, parseJson } from '../../core/json.js';
import { redactUpstreamBody } from '../../core/redact.js';
import { decodeBase64Embedding } from './decode-openai-embedding.js';
import type { ResponseContext } from './map-openai-response.js';
import { openAIEmbeddingResponseSchema } from './openai-api.js';

/**
 * An embeddings response body → canonical float vectors in input order. We ask for base64, but
 * some compatible servers ignore `encoding_format` and send float arrays: both are accepted.
 */

function invalidResponse(reason: string, text: string, context: ResponseContext): GatewayError {
  return new GatewayError(
    'upstream_invalid_response',
    `${context.target.provider} returned an invalid embeddings response: ${reason}`,
    {
      provider: context.target.provider,
      upstreamBody: redactUpstreamBody(text, context.target.secrets),
    },
  );
}

export function parseOpenAIEmbeddingResponse(
  text: string,
  context: ResponseContext,
): EmbeddingResponse {
  const json = parseJson(text);
  if (!json.ok) throw invalidResponse(`invalid JSON (${json.message})`, text, context);
  const parsed = openAIEmbeddingResponseSchema.safeParse(json.value);
  if (!parsed.success) throw invalidResponse(formatZodIssues(parsed.error.issues), text, context);
  const data = parsed.data.data.map((item, position) => {
    const embedding =
      typeof item.embedding === 'string' ? decodeBase64Embedding(item.embedding) : item.embedding;
    if (embedding === undefined) {
      throw invalidResponse(`data[${position}].embedding is not base64 float32`, text, context);
    }
    return { object: 'embedding' as const, index: item.index ?? position, embedding };
  });
  data.sort((a, b) => a.index - b.index);
  const usage = parsed.data.usage;
  const promptTokens = usage?.prompt_tokens ?? 0;
  return {
    object: 'list',
    data,
    model: parsed.data.model || context.model,
    usage: { prompt_tokens: promptTokens, total_tokens: usage?.total_tokens ?? promptTokens },
  };
}
