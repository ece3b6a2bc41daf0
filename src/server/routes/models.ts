import { getModel, listModels } from '../../resolvers/models.js';
import { credentialOf, type Exchange } from '../exchange.js';
import { sendError, sendJson } from '../respond.js';
import { NEVER_CANCELLED } from '../../core/cancellation.js';

async function principalOf(exchange: Exchange) {
  const ctx = exchange.tollgate.createContext({
    kind: 'chat',
    credential: credentialOf(exchange.req),
    signal: NEVER_CANCELLED,
  });
  return exchange.tollgate.pipeline.authenticate(ctx);
}

/** `GET /v1/models`. */
export async function handleListModels(exchange: Exchange): Promise<void> {
  try {
    const principal = await principalOf(exchange);
    sendJson(exchange.res, listModels(exchange.tollgate.catalog, principal));
  } catch (error) {
    sendError(exchange.res, error);
  }
}

/** `GET /v1/models/{id}`; ids may contain slashes (`mock/echo`). */
export async function handleGetModel(exchange: Exchange, encodedId: string): Promise<void> {
  try {
    const principal = await principalOf(exchange);
    let id: string;
    try {
      id = decodeURIComponent(encodedId);
    } catch {
      id = encodedId;
    }
    sendJson(exchange.res, getModel(exchange.tollgate.catalog, { principal, id }));
  } catch (error) {
    sendError(exchange.res, error);
  }
}
