import type { Model } from '../core/models.js';
import { listModels } from '../resolvers/models.js';
import { builder } from './builder.js';

const ModelRef = builder.objectRef<Model>('Model').implement({
  description:
    'A model group (or wildcard pattern) the gateway serves, as GET /v1/models lists it.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The public model name.' }),
    created: t.exposeInt('created', { description: 'Unix seconds.' }),
    ownedBy: t.string({
      description: 'The provider(s) serving it.',
      resolve: (model) => model.owned_by,
    }),
  }),
});

builder.queryFields((t) => ({
  models: t.field({
    type: [ModelRef],
    description: 'The models the caller may use.',
    resolve: (_root, _args, ctx) => listModels(ctx.tollgate.catalog, ctx.principal).data,
  }),
}));
