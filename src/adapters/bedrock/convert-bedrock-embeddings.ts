import { z } from 'zod';
import type { CallOptions } from '../../core/adapter.js';
import type { EmbeddingRequest } from '../../core/embeddings.js';
import { GatewayError } from '../../core/errors.js';
import { formatZodIssues, parseJson } from '../../core/json.js';
import { mergeProviderOptions } from '../../core/provider-options.js';
import { redactUpstreamBody } from '../../core/redact.js';
import type { UpstreamTarget } from '../../core/upstream-http.js';
import { BEDROCK_PROVIDER } from './bedrock-endpoint.js';

/**
 * Embeddings on Bedrock. Converse has none, so they go through InvokeModel
 * (`POST /model/{modelId}/invoke`) with each model family's own body:
 * - Amazon Titan Text Embeddings (`amazon.titan-embed-*`): one text per call, `{inputText,
 *   dimensions?}` → `{embedding, inputTextTokenCount}`
 *   (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html);
 * - Cohere Embed (`cohere.embed-*`): up to 96 texts per call, `{texts, input_type}` →
 *   `{embeddings: number[][]}` or, when `embedding_types` is asked for, `{embeddings: {float}}`
 *   (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed.html).
 * Other families are refused with a clear error. `provider_options.bedrock` is merged into each
 * body (e.g. `input_type: search_query`, `normalize: false`).
 */

export type EmbeddingFamily = 'titan' | 'cohere';

/** Cohere Embed's limit on texts per call. */
export const COHERE_BATCH_SIZE = 96;

export function embeddingFamily(modelId: string): EmbeddingFamily {
  // Inference profile ids prefix the model with a geography (`us.cohere.embed-v4:0`).
  if (/(^|[./])amazon\.titan-embed/.test(modelId)) return 'titan';
  if (/(^|[./])cohere\.embed/.test(modelId)) return 'cohere';
  throw new GatewayError(
    'invalid_request',
    `bedrock embeddings are served for Amazon Titan (amazon.titan-embed-*) and Cohere (cohere.embed-*) models through InvokeModel; "${modelId}" is neither`,
    { param: 'model', provider: BEDROCK_PROVIDER },
  );
}

/** The inputs as texts: Bedrock's embedding models take text, not token ids. */
export function embeddingTexts(request: EmbeddingRequest): string[] {
  const input = request.input;
  if (typeof input === 'string') return [input];
  const texts: string[] = [];
  for (const item of input) {
    if (typeof item !== 'string') {
      throw new GatewayError(
        'invalid_request',
        'bedrock embedding models take text inputs, not token arrays',
        { param: 'input', provider: BEDROCK_PROVIDER },
      );
    }
    texts.push(item);
  }
  return texts;
}

type BodyOptions = Pick<CallOptions, 'dropParams' | 'warnings' | 'providerOptions'>;

export function titanEmbeddingBody(
  text: string,
  context: { request: EmbeddingRequest; options: BodyOptions },
): Record<string, unknown> {
  const dimensions = context.request.dimensions;
  const body = { inputText: text, ...(dimensions == null ? {} : { dimensions }) };
  return mergeProviderOptions(body, context.options.providerOptions);
}

export function cohereEmbeddingBody(
  texts: string[],
  context: { request: EmbeddingRequest; options: BodyOptions },
): Record<string, unknown> {
  const dimensions = context.request.dimensions;
  const body = {
    texts,
    // Cohere requires an input type; documents are what OpenAI-style clients usually embed.
    input_type: 'search_document',
    // Embed v4 names the dimension count `output_dimension`; v3 has fixed sizes.
    ...(dimensions == null ? {} : { output_dimension: dimensions }),
  };
  return mergeProviderOptions(body, context.options.providerOptions);
}

const titanResponseSchema = z
  .object({
    embedding: z.array(z.number()),
    inputTextTokenCount: z.number().int().nonnegative().nullish(),
  })
  .loose();

const cohereResponseSchema = z
  .object({
    embeddings: z.union([
      z.array(z.array(z.number())),
      z.object({ float: z.array(z.array(z.number())) }).loose(),
    ]),
  })
  .loose();

function invalidResponse(reason: string, text: string, target: UpstreamTarget): GatewayError {
  return new GatewayError(
    'upstream_invalid_response',
    `${target.provider} returned an invalid embeddings response: ${reason}`,
    { provider: target.provider, upstreamBody: redactUpstreamBody(text, target.secrets) },
  );
}

function parse<T>(schema: z.ZodType<T>, text: string, target: UpstreamTarget): T {
  const json = parseJson(text);
  if (!json.ok) throw invalidResponse(`invalid JSON (${json.message})`, text, target);
  const parsed = schema.safeParse(json.value);
  if (!parsed.success) throw invalidResponse(formatZodIssues(parsed.error.issues), text, target);
  return parsed.data;
}

/** One Titan answer: its vector and token count. */
export function parseTitanEmbedding(
  text: string,
  target: UpstreamTarget,
): { vector: number[]; tokens: number | undefined } {
  const parsed = parse(titanResponseSchema, text, target);
  return { vector: parsed.embedding, tokens: parsed.inputTextTokenCount ?? undefined };
}

/** One Cohere answer: a vector per text, in order. */
export function parseCohereEmbeddings(
  text: string,
  context: { target: UpstreamTarget; expected: number },
): number[][] {
  const parsed = parse(cohereResponseSchema, text, context.target);
  const vectors = Array.isArray(parsed.embeddings) ? parsed.embeddings : parsed.embeddings.float;
  if (vectors.length !== context.expected) {
    throw invalidResponse(
      `${vectors.length} vectors for ${context.expected} texts`,
      text,
      context.target,
    );
  }
  return vectors;
}
