import { GatewayError } from '../../core/errors.js';
import { cancelOnClose, credentialOf, type Exchange } from '../exchange.js';
import { readJsonBody } from '../request-body.js';
import { sendJson } from '../respond.js';
import { anthropicBetas, anthropicHeaders } from './anthropic-headers.js';
import { convertAnthropicRequest } from './convert-anthropic-request.js';
import { estimateAnthropicInputTokens } from './estimate-anthropic-input-tokens.js';
import { parseAnthropicCountTokensRequest } from './parse-anthropic-request.js';
import { sendAnthropicError } from './send-anthropic-error.js';

/** The response header that says how `input_tokens` was counted. */
export const TOKEN_COUNT_HEADER = 'x-tollgate-token-count';

/**
 * `POST /v1/messages/count_tokens` (https://docs.anthropic.com/en/api/messages-count-tokens):
 * `{ "input_tokens": N }` for a Messages request, after the same authentication and model checks
 * as `/v1/messages`. No adapter offers a token counter yet, so N is always Tollgate's estimate
 * (estimate-anthropic-input-tokens.ts): the body says `"estimated": true` and the
 * `x-tollgate-token-count: estimated` header repeats it. Counting calls no provider, costs
 * nothing and is not logged as a chat request.
 */
export async function handleAnthropicCountTokens(exchange: Exchange): Promise<void> {
  const { req, res, tollgate } = exchange;
  const cancellation = cancelOnClose(res);
  const ctx = tollgate.createContext({
    kind: 'chat',
    credential: credentialOf(req),
    signal: cancellation,
    receivedAt: exchange.receivedAt,
  });
  try {
    const principal = await tollgate.pipeline.authenticate(ctx);
    const { request: inbound, raw } = parseAnthropicCountTokensRequest(
      await readJsonBody(req, exchange.limits),
    );
    ctx.requestedModel = inbound.model;
    const group = tollgate.catalog.resolve(inbound.model);
    if (group === undefined) {
      throw new GatewayError(
        'model_not_found',
        `The model "${inbound.model}" does not exist on this gateway`,
        { param: 'model' },
      );
    }
    if (principal.allowedModels !== undefined && !principal.allowedModels.includes(group.name)) {
      throw new GatewayError(
        'model_not_allowed',
        `This key may not use the model "${inbound.model}"`,
        { param: 'model' },
      );
    }
    const { request } = convertAnthropicRequest(inbound, {
      raw,
      betas: anthropicBetas(req.headers),
    });
    const inputTokens = await estimateAnthropicInputTokens(request);
    sendJson(
      res,
      { input_tokens: inputTokens, estimated: true },
      { headers: { ...anthropicHeaders(ctx), [TOKEN_COUNT_HEADER]: 'estimated' } },
    );
  } catch (error) {
    sendAnthropicError(res, error, ctx);
  }
}
