import { cancelOnClose, credentialOf, type Exchange } from '../exchange.js';
import { readJsonBody } from '../request-body.js';
import { sendJson } from '../respond.js';
import { anthropicBetas, anthropicHeaders } from './anthropic-headers.js';
import { convertAnthropicRequest } from './convert-anthropic-request.js';
import { convertToAnthropicMessage } from './convert-to-anthropic-message.js';
import { enforceTargetSupport } from './enforce-target-support.js';
import { parseAnthropicRequest } from './parse-anthropic-request.js';
import { sendAnthropicError } from './send-anthropic-error.js';
import { writeAnthropicStream } from './write-anthropic-stream.js';

/**
 * `POST /v1/messages`: the Anthropic Messages API in front of any provider (SPEC §3). The request
 * becomes a canonical one and runs through the same pipeline as `/v1/chat/completions`
 * (authentication, model access, limits, routing, accounting); the answer goes back as an
 * Anthropic Message or its event stream, errors in Anthropic's envelope.
 */
export async function handleAnthropicMessages(exchange: Exchange): Promise<void> {
  const { req, res, tollgate } = exchange;
  const cancellation = cancelOnClose(res);
  const ctx = tollgate.createContext({
    kind: 'chat',
    credential: credentialOf(req),
    signal: cancellation,
    receivedAt: exchange.receivedAt,
  });
  try {
    // Authenticate before reading the body: an anonymous client cannot make us buffer 20 MB.
    await tollgate.pipeline.authenticate(ctx);
    const { request: inbound, raw } = parseAnthropicRequest(
      await readJsonBody(req, exchange.limits),
    );
    const conversion = convertAnthropicRequest(inbound, {
      raw,
      betas: anthropicBetas(req.headers),
    });
    const group = tollgate.catalog.resolve(inbound.model);
    enforceTargetSupport(conversion, {
      providers: group?.deployments.map((handle) => handle.deployment.provider) ?? [],
      dropParams: tollgate.config.litellmSettings.dropParams,
      warnings: ctx,
    });
    if (inbound.stream === true) {
      const stream = await tollgate.pipeline.stream(ctx, conversion.request);
      await writeAnthropicStream(res, stream, { ctx, model: inbound.model });
      return;
    }
    const response = await tollgate.pipeline.chat(ctx, conversion.request);
    sendJson(res, convertToAnthropicMessage(response), { headers: anthropicHeaders(ctx) });
  } catch (error) {
    sendAnthropicError(res, await tollgate.pipeline.reject(ctx, error), ctx);
  }
}
