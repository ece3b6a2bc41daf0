import type { EmbeddingRequest, EmbeddingResponse } from '../../core/embeddings.js';
import {
  convertToGeminiEmbeddingRequest,
  embeddingTexts,
} from './convert-to-gemini-embedding-request.js';
import { operationPath, type EmbedCall, type GeminiEmbedder } from './gemini-endpoint.js';
import { parseGeminiEmbeddingResponse } from './map-gemini-embedding-response.js';

/** The Gemini API's embeddings: `:embedContent` for one text, `:batchEmbedContents` for more. */
export const geminiEmbedder: GeminiEmbedder = {
  async embed(request: EmbeddingRequest, call: EmbedCall): Promise<EmbeddingResponse> {
    const init = { provider: call.upstream.provider, options: call.options };
    const texts = embeddingTexts(request, init);
    // The batch entries name the model as a resource, e.g. `models/gemini-embedding-001`.
    const modelResource = decodeURIComponent(call.target.modelPath.split('/').slice(-2).join('/'));
    const { batch, body } = convertToGeminiEmbeddingRequest(request, {
      ...init,
      texts,
      modelResource,
    });
    const path = operationPath(call.target, batch ? 'batchEmbedContents' : 'embedContent');
    const text = await call.post(path, body);
    return parseGeminiEmbeddingResponse(text, {
      target: call.upstream,
      model: call.model,
      texts,
      batch,
    });
  },
};
