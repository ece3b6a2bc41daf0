import type { EmbeddingRequest, EmbeddingResponse } from '../../core/embeddings.js';
import { formatZodIssues, parseJson } from '../../core/json.js';
import { mergeProviderOptions } from '../../core/provider-options.js';
import { embeddingTexts } from '../gemini/convert-to-gemini-embedding-request.js';
import { operationPath, type EmbedCall, type GeminiEmbedder } from '../gemini/gemini-endpoint.js';
import { invalidEmbeddings } from '../gemini/map-gemini-embedding-response.js';
import { vertexPredictEmbeddingsSchema } from './vertex-ai-api.js';

/**
 * Vertex AI embeddings through `:predict`
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api):
 * one instance per text, `dimensions` as `parameters.outputDimensionality`, token counts from
 * each prediction's `statistics.token_count`. `provider_options.vertex_ai` is merged into the
 * body (e.g. `{ parameters: { autoTruncate: false } }`). Some models take one instance per call
 * (gemini-embedding-001): Vertex answers a batch to those with a 400, passed on as is.
 */
export const vertexEmbedder: GeminiEmbedder = {
  async embed(request: EmbeddingRequest, call: EmbedCall): Promise<EmbeddingResponse> {
    const texts = embeddingTexts(request, {
      provider: call.upstream.provider,
      options: call.options,
    });
    const parameters =
      request.dimensions == null
        ? {}
        : { parameters: { outputDimensionality: request.dimensions } };
    const body = mergeProviderOptions(
      { instances: texts.map((content) => ({ content })), ...parameters },
      call.options.providerOptions,
    );
    const text = await call.post(operationPath(call.target, 'predict'), body);
    const json = parseJson(text);
    if (!json.ok) throw invalidEmbeddings(`invalid JSON (${json.message})`, text, call.upstream);
    const parsed = vertexPredictEmbeddingsSchema.safeParse(json.value);
    if (!parsed.success) {
      throw invalidEmbeddings(formatZodIssues(parsed.error.issues), text, call.upstream);
    }
    const predictions = parsed.data.predictions;
    if (predictions.length !== texts.length) {
      throw invalidEmbeddings(
        `${predictions.length} predictions for ${texts.length} inputs`,
        text,
        call.upstream,
      );
    }
    const tokens = predictions.reduce(
      (sum, prediction) => sum + (prediction.embeddings.statistics?.token_count ?? 0),
      0,
    );
    return {
      object: 'list',
      data: predictions.map((prediction, index) => ({
        object: 'embedding',
        index,
        embedding: prediction.embeddings.values,
      })),
      model: call.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    };
  },
};
