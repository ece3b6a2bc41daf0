import { listDeployments, type DeploymentView } from '../resolvers/deployments.js';
import { builder } from './builder.js';

const DeploymentRef = builder.objectRef<DeploymentView>('Deployment').implement({
  description: 'One upstream serving a model group (never its credential or address).',
  fields: (t) => ({
    id: t.exposeID('id'),
    group: t.string({ description: 'The model group it serves.', resolve: (d) => d.modelGroup }),
    provider: t.exposeString('provider'),
    model: t.string({
      description: 'The model id at the provider.',
      resolve: (d) => d.providerModel,
    }),
    healthy: t.exposeBoolean('healthy', {
      nullable: true,
      description: 'False while cooling down; null when health is not tracked.',
    }),
    cooldownUntil: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Until when the router skips it; null when not cooling down.',
      resolve: (d) => d.cooldownUntil,
    }),
    recentLatencyMs: t.exposeFloat('recentLatencyMs', {
      nullable: true,
      description: 'Recent mean latency in milliseconds; null when unknown.',
    }),
  }),
});

builder.queryFields((t) => ({
  deployments: t.field({
    type: [DeploymentRef],
    description: 'The deployments behind the models the caller may use.',
    resolve: (_root, _args, ctx) =>
      listDeployments(
        { deployments: ctx.tollgate.config.deployments, health: ctx.tollgate.deploymentHealth() },
        ctx.principal,
      ),
  }),
}));
