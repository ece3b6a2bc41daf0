import type { CallOptions } from '../../core/adapter.js';
import type { Embedding, EmbeddingRequest, EmbeddingResponse } from '../../core/embeddings.js';
import { estimateTokens } from '../../core/estimate-tokens.js';
import type { UpstreamJsonResponse, UpstreamTarget } from '../../core/upstream-http.js';
import {
  COHERE_BATCH_SIZE,
  cohereEmbeddingBody,
  embeddingFamily,
  embeddingTexts,
  parseCohereEmbeddings,
  parseTitanEmbedding,
  titanEmbeddingBody,
} from './convert-bedrock-embeddings.js';
import type { CancelSignal } from '../../core/cancellation.js';

/**
 * Runs an embedding request against InvokeModel: Titan one text per call (a few at a time),
 * Cohere in batches of 96. Token counts come from Titan's `inputTextTokenCount` or InvokeModel's
 * `x-amzn-bedrock-input-token-count` header, and are estimated when neither is there.
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html
 */

/** A signed POST of a JSON body; a non-2xx answer is thrown as a mapped error. */
export type BedrockPost = (call: {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly signal: CancelSignal;
}) => Promise<UpstreamJsonResponse>;

export interface BedrockEmbedContext {
  readonly modelId: string;
  readonly invokePath: string;
  readonly target: UpstreamTarget;
  readonly options: CallOptions;
  readonly post: BedrockPost;
}

/** Titan calls in flight at once for a multi-text request. */
const TITAN_CONCURRENCY = 4;

function headerTokens(response: UpstreamJsonResponse): number | undefined {
  const raw = response.headers['x-amzn-bedrock-input-token-count'];
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isInteger(value) && value >= 0 ? value : undefined;
}

async function tokensOf(counted: number | undefined, text: string): Promise<number> {
  return counted ?? (await estimateTokens(text));
}

async function embedTitan(
  texts: readonly string[],
  context: BedrockEmbedContext & { request: EmbeddingRequest },
): Promise<{ vectors: number[][]; tokens: number }> {
  const vectors: number[][] = new Array<number[]>(texts.length);
  let tokens = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < texts.length) {
      const position = next;
      next += 1;
      const text = texts[position] ?? '';
      const body = titanEmbeddingBody(text, { request: context.request, options: context.options });
      const response = await context.post({
        path: context.invokePath,
        body,
        signal: context.options.signal,
      });
      const parsed = parseTitanEmbedding(response.text, context.target);
      vectors[position] = parsed.vector;
      tokens += await tokensOf(parsed.tokens ?? headerTokens(response), text);
    }
  };
  const workers = Math.min(TITAN_CONCURRENCY, texts.length);
  await Promise.all(Array.from({ length: workers }, worker));
  return { vectors, tokens };
}

async function embedCohere(
  texts: readonly string[],
  context: BedrockEmbedContext & { request: EmbeddingRequest },
): Promise<{ vectors: number[][]; tokens: number }> {
  const vectors: number[][] = [];
  let tokens = 0;
  for (let start = 0; start < texts.length; start += COHERE_BATCH_SIZE) {
    const batch = texts.slice(start, start + COHERE_BATCH_SIZE);
    const body = cohereEmbeddingBody(batch, { request: context.request, options: context.options });
    const response = await context.post({
      path: context.invokePath,
      body,
      signal: context.options.signal,
    });
    vectors.push(
      ...parseCohereEmbeddings(response.text, { target: context.target, expected: batch.length }),
    );
    tokens += await tokensOf(headerTokens(response), batch.join('\n'));
  }
  return { vectors, tokens };
}

export async function embedWithBedrock(
  request: EmbeddingRequest,
  context: BedrockEmbedContext,
): Promise<EmbeddingResponse> {
  const family = embeddingFamily(context.modelId);
  const texts = embeddingTexts(request);
  const run = family === 'titan' ? embedTitan : embedCohere;
  const { vectors, tokens } = await run(texts, { ...context, request });
  const data: Embedding[] = vectors.map((embedding, index) => ({
    object: 'embedding',
    index,
    embedding,
  }));
  return {
    object: 'list',
    data,
    model: context.modelId,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
