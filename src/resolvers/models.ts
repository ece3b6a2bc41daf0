import { GatewayError } from '../core/errors.js';
import type { Model, ModelList } from '../core/models.js';
import type { ModelCatalog } from '../core/model-catalog.js';
import type { Principal } from '../core/principal.js';

/** The models a principal may use (all of them for the master key). */
export function listModels(catalog: ModelCatalog, principal: Principal): ModelList {
  const allowed = principal.allowedModels;
  const data = catalog
    .list()
    .filter((model) => allowed === undefined || allowed.includes(model.id));
  return { object: 'list', data };
}

/** One model by id; wildcard-served names (`openai/gpt-4o` under `openai/*`) resolve too. */
export function getModel(
  catalog: ModelCatalog,
  input: { principal: Principal; id: string },
): Model {
  const listed = listModels(catalog, input.principal).data.find((model) => model.id === input.id);
  if (listed !== undefined) return listed;
  const group = catalog.resolve(input.id);
  const allowed = input.principal.allowedModels;
  if (group === undefined || (allowed !== undefined && !allowed.includes(group.name))) {
    throw new GatewayError(
      'model_not_found',
      `The model "${input.id}" does not exist on this gateway`,
      {
        param: 'model',
      },
    );
  }
  const owners = [...new Set(group.deployments.map((handle) => handle.deployment.provider))].join(
    ',',
  );
  return {
    id: input.id,
    object: 'model',
    created: catalog.list()[0]?.created ?? 0,
    owned_by: owners,
  };
}
