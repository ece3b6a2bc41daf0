import { NEVER_CANCELLED } from '../core/cancellation.js';
import type { ModelCatalog } from '../core/model-catalog.js';

/**
 * Embeds a prompt for the semantic cache with one of the gateway's own model groups, through
 * its adapter (the same code that serves `/v1/embeddings`). Called directly rather than through
 * the pipeline: a cache lookup is not a client request and gets no spend row of its own.
 */
export function embedWithCatalog(
  catalog: ModelCatalog,
): (model: string, text: string) => Promise<readonly number[]> {
  return async (model, text) => {
    const handle = catalog.resolve(model)?.deployments[0];
    if (handle === undefined) throw new Error(`embedding model "${model}" is not a model group`);
    const response = await handle.adapter.embed(
      { model, input: text },
      {
        // The adapter's upstream call has its own deadline (the deployment's timeout).
        signal: NEVER_CANCELLED,
        warnings: { warn: () => undefined },
        dropParams: true,
        providerOptions: undefined,
        mockResponse: undefined,
      },
    );
    const first = response.data[0]?.embedding;
    if (!Array.isArray(first))
      throw new Error(`embedding model "${model}" returned no float vector`);
    return first;
  };
}
