import { attachCacheControlHeader } from '../../cache/cache-controls.js';
import { parseChatRequest } from '../../tollgate.js';
import { cancelOnClose, credentialOf, type Exchange } from '../exchange.js';
import { gatewayHeaders } from '../gateway-headers.js';
import { readJsonBody } from '../request-body.js';
import { sendError, sendJson } from '../respond.js';
import { writeSseStream } from '../sse-response.js';

/** `POST /v1/chat/completions` (SPEC §3). */
export async function handleChatCompletions(exchange: Exchange): Promise<void> {
  const { req, res, tollgate } = exchange;
  const cancellation = cancelOnClose(res);
  const ctx = tollgate.createContext({
    kind: 'chat',
    credential: credentialOf(req),
    signal: cancellation,
    receivedAt: exchange.receivedAt,
  });
  // The `Cache-Control` request header is the header form of the body's `cache` controls.
  attachCacheControlHeader(ctx, req.headers['cache-control']);
  try {
    // Authenticate before reading the body: an anonymous client cannot make us buffer 20 MB.
    await tollgate.pipeline.authenticate(ctx);
    const request = parseChatRequest(await readJsonBody(req, exchange.limits));
    if (request.stream === true) {
      const stream = await tollgate.pipeline.stream(ctx, request);
      await writeSseStream(res, stream, {
        ctx,
        includeUsage: request.stream_options?.include_usage === true,
      });
      return;
    }
    const response = await tollgate.pipeline.chat(ctx, request);
    sendJson(res, response, { headers: gatewayHeaders(ctx) });
  } catch (error) {
    sendError(res, await tollgate.pipeline.reject(ctx, error), ctx);
  }
}
