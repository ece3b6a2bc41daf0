import type { EmbeddingResponse } from '../../core/embeddings.js';
import { GatewayError } from '../../core/errors.js';
import { estimateTokens } from '../../core/estimate-tokens.js';
import { formatZodIssues, parseJson } from '../../core/json.js';
import { redactUpstreamBody } from '../../core/redact.js';
import type { UpstreamTarget } from '../../core/upstream-http.js';
import { geminiBatchEmbedResponseSchema, geminiEmbedContentResponseSchema } from './gemini-api.js';

/**
 * `embedContent` / `batchEmbedContents` responses → canonical float vectors in input order.
 * The Gemini API reports no token counts for embeddings, so usage is estimated from the texts
 * (the embeddings response has no place to mark it; the count is only used for accounting).
 */

export interface EmbeddingResponseContext {
  readonly target: UpstreamTarget;
  readonly model: string;
  readonly texts: readonly string[];
  readonly batch: boolean;
}

export function invalidEmbeddings(
  reason: string,
  text: string,
  target: UpstreamTarget,
): GatewayError {
  return new GatewayError(
    'upstream_invalid_response',
    `${target.provider} returned an invalid embeddings response: ${reason}`,
    { provider: target.provider, upstreamBody: redactUpstreamBody(text, target.secrets) },
  );
}

function vectors(text: string, context: EmbeddingResponseContext): number[][] {
  const json = parseJson(text);
  if (!json.ok) throw invalidEmbeddings(`invalid JSON (${json.message})`, text, context.target);
  if (!context.batch) {
    const single = geminiEmbedContentResponseSchema.safeParse(json.value);
    if (!single.success) {
      throw invalidEmbeddings(formatZodIssues(single.error.issues), text, context.target);
    }
    return [single.data.embedding.values];
  }
  const batch = geminiBatchEmbedResponseSchema.safeParse(json.value);
  if (!batch.success) {
    throw invalidEmbeddings(formatZodIssues(batch.error.issues), text, context.target);
  }
  return batch.data.embeddings.map((entry) => entry.values);
}

export async function parseGeminiEmbeddingResponse(
  text: string,
  context: EmbeddingResponseContext,
): Promise<EmbeddingResponse> {
  const values = vectors(text, context);
  if (values.length !== context.texts.length) {
    throw invalidEmbeddings(
      `${values.length} embeddings for ${context.texts.length} inputs`,
      text,
      context.target,
    );
  }
  const prompt = await estimateTokens(context.texts.join('\n'));
  return {
    object: 'list',
    data: values.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model: context.model,
    usage: { prompt_tokens: prompt, total_tokens: prompt },
  };
}
