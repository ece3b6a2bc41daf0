import type { CallOptions } from '../../core/adapter.js';
import { embeddingInputs, type EmbeddingRequest } from '../../core/embeddings.js';
import { GatewayError } from '../../core/errors.js';
import { mergeProviderOptions, unsupportedParameter } from '../../core/provider-options.js';

/**
 * Canonical embedding requests → Google's embedding bodies. Both Google APIs embed text only:
 * token-id inputs (which OpenAI also accepts) are refused. `dimensions` becomes
 * `outputDimensionality`; the request's `provider_options.<provider>` is merged into each
 * embedded item (`taskType`, `title`, `autoTruncate`...), where Google expects those settings.
 */

export interface EmbeddingInit {
  readonly provider: string;
  readonly options: Pick<CallOptions, 'dropParams' | 'warnings' | 'providerOptions'>;
}

/** Canonical fields mapped here or handled by the gateway (the transport re-encodes base64). */
const HANDLED: ReadonlySet<string> = new Set([
  'model',
  'input',
  'dimensions',
  'encoding_format',
  'provider_options',
  'metadata',
]);

/** The texts to embed; refuses token arrays and unknown parameters. */
export function embeddingTexts(request: EmbeddingRequest, init: EmbeddingInit): string[] {
  for (const [key, value] of Object.entries(request)) {
    if (HANDLED.has(key) || value === null || value === undefined) continue;
    unsupportedParameter(init.options, { provider: init.provider, param: key });
  }
  const inputs = embeddingInputs(request.input);
  return inputs.map((input) => {
    if (typeof input !== 'string') {
      throw new GatewayError(
        'unsupported_parameter',
        `${init.provider} embeds text only; token-id inputs are not supported`,
        { param: 'input', provider: init.provider },
      );
    }
    return input;
  });
}

function outputDimensionality(request: EmbeddingRequest): Record<string, number> {
  return request.dimensions == null ? {} : { outputDimensionality: request.dimensions };
}

/**
 * `models.embedContent` for one text, `models.batchEmbedContents` for several; every batch entry
 * names the model (https://ai.google.dev/api/embeddings).
 */
export function convertToGeminiEmbeddingRequest(
  request: EmbeddingRequest,
  context: EmbeddingInit & { texts: readonly string[]; modelResource: string },
): { batch: boolean; body: Record<string, unknown> } {
  const item = (text: string): Record<string, unknown> =>
    mergeProviderOptions(
      { content: { parts: [{ text }] }, ...outputDimensionality(request) },
      context.options.providerOptions,
    );
  if (context.texts.length === 1) return { batch: false, body: item(context.texts[0] as string) };
  return {
    batch: true,
    body: {
      requests: context.texts.map((text) => ({ model: context.modelResource, ...item(text) })),
    },
  };
}
