/**
 * Library mode: the gateway in-process, LiteLLM `completion()` style.
 *
 *   import { createTollgate } from 'tollgate';
 *   const tollgate = createTollgate({ config: './config.yaml' });
 *   const answer = await tollgate.chat({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] });
 */
export { createTollgate, Tollgate } from './tollgate.js';
export type {
  ChatRequestInput,
  EmbeddingRequestInput,
  LibraryCallOptions,
  Readiness,
  TollgateOptions,
} from './tollgate.js';
export { GatewayServer } from './server/http-server.js';
export type { ServerOptions } from './server/http-server.js';
export { GatewayError, ERROR_CODES } from './core/errors.js';
export type { ErrorCode, ErrorLayer, ErrorType } from './core/errors.js';
export type { ChatRequest, ChatMessage, ToolCall, FunctionTool } from './core/chat-request.js';
export type { ChatResponse, FinishReason } from './core/chat-response.js';
export type { ChatChunk } from './core/chat-chunk.js';
export type { Usage } from './core/usage.js';
export type { EmbeddingRequest, EmbeddingResponse } from './core/embeddings.js';
export type { Model, ModelList } from './core/models.js';
export type { LoadedConfig } from './config/loaded-config.js';
export { PIPELINE_ORDER } from './core/pipeline.js';
