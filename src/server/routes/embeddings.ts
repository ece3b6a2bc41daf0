import type { EmbeddingResponse } from '../../core/embeddings.js';
import { parseEmbeddingRequest } from '../../tollgate.js';
import { cancelOnClose, credentialOf, type Exchange } from '../exchange.js';
import { gatewayHeaders } from '../gateway-headers.js';
import { readJsonBody } from '../request-body.js';
import { sendError, sendJson } from '../respond.js';

/** A vector as OpenAI's `encoding_format: base64` sends it: little-endian float32 bytes. */
export function encodeEmbeddingBase64(vector: readonly number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

/** `POST /v1/embeddings`: float vectors, or base64 (what the openai SDK asks for by default). */
export async function handleEmbeddings(exchange: Exchange): Promise<void> {
  const { req, res, tollgate } = exchange;
  const cancellation = cancelOnClose(res);
  const ctx = tollgate.createContext({
    kind: 'embeddings',
    credential: credentialOf(req),
    signal: cancellation,
    receivedAt: exchange.receivedAt,
  });
  try {
    await tollgate.pipeline.authenticate(ctx);
    const request = parseEmbeddingRequest(await readJsonBody(req, exchange.limits));
    const response = await tollgate.pipeline.embed(ctx, request);
    const body: EmbeddingResponse | Record<string, unknown> =
      request.encoding_format === 'base64'
        ? {
            ...response,
            data: response.data.map((item) => ({
              ...item,
              embedding: encodeEmbeddingBase64(item.embedding),
            })),
          }
        : response;
    sendJson(res, body, { headers: gatewayHeaders(ctx) });
  } catch (error) {
    sendError(res, await tollgate.pipeline.reject(ctx, error), ctx);
  }
}
