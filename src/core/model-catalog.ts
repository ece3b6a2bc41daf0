import type { AdapterFactory, ModelAdapter } from './adapter.js';
import type { ResolvedDeployment } from './deployment.js';
import type { Model } from './models.js';

/** A deployment ready to call. */
export interface DeploymentHandle {
  readonly deployment: ResolvedDeployment;
  readonly adapter: ModelAdapter;
}

/** The deployments that serve one public model name. */
export interface ModelGroup {
  readonly name: string;
  readonly deployments: readonly DeploymentHandle[];
}

/** What the catalog needs to build deployments; the registry supplies `adapterFor`. */
export interface CatalogInput {
  readonly deployments: readonly ResolvedDeployment[];
  /** The adapter factory for a provider prefix, or undefined when the provider is unknown. */
  readonly adapterFor: (provider: string) => AdapterFactory | undefined;
  /** Unix seconds reported as `created` in model listings. */
  readonly createdAt: number;
}

/** Most distinct models one wildcard pattern will instantiate before it recycles its cache. */
const MAX_WILDCARD_EXPANSIONS = 1024;

interface WildcardPattern {
  readonly prefix: string;
  readonly suffix: string;
  readonly templates: readonly ResolvedDeployment[];
  readonly expansions: Map<string, ModelGroup>;
}

/**
 * Maps public model names to deployment groups. Exact names win; a name such as `openai/*` is a
 * pattern whose `*` is substituted into the deployment's provider model (LiteLLM's wildcard
 * routing). Everything is built once; a wildcard expansion is built once per distinct model.
 */
export class ModelCatalog {
  private readonly groups = new Map<string, ModelGroup>();
  /** Single-deployment groups for requests that name a deployment by its `model_info.id`. */
  private readonly byDeploymentId = new Map<string, ModelGroup>();
  private readonly patterns: WildcardPattern[] = [];
  private readonly adapterFor: CatalogInput['adapterFor'];
  private readonly createdAt: number;

  constructor(input: CatalogInput) {
    this.adapterFor = input.adapterFor;
    this.createdAt = input.createdAt;
    const byName = new Map<string, ResolvedDeployment[]>();
    for (const deployment of input.deployments) {
      const list = byName.get(deployment.modelGroup) ?? [];
      list.push(deployment);
      byName.set(deployment.modelGroup, list);
    }
    for (const [name, deployments] of byName) {
      const star = name.indexOf('*');
      if (star >= 0) {
        this.patterns.push({
          prefix: name.slice(0, star),
          suffix: name.slice(star + 1),
          templates: deployments,
          expansions: new Map(),
        });
      } else {
        this.groups.set(name, { name, deployments: deployments.map((d) => this.handle(d)) });
      }
    }
    for (const group of this.groups.values()) {
      for (const handle of group.deployments) {
        // Named under its own group, so that keys allowed that group may address it directly.
        if (!this.groups.has(handle.deployment.id)) {
          this.byDeploymentId.set(handle.deployment.id, {
            name: group.name,
            deployments: [handle],
          });
        }
      }
    }
    // Longer prefixes are more specific: `openai/gpt-4*` before `openai/*`.
    this.patterns.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /**
   * The group serving `name`, or undefined when no entry or pattern matches. A group name wins;
   * then a deployment id (`model_info.id`) addresses that one deployment; then wildcard patterns.
   */
  resolve(name: string): ModelGroup | undefined {
    const exact = this.groups.get(name);
    if (exact !== undefined) return exact;
    const deployment = this.byDeploymentId.get(name);
    if (deployment !== undefined) return deployment;
    for (const pattern of this.patterns) {
      if (
        name.length > pattern.prefix.length + pattern.suffix.length &&
        name.startsWith(pattern.prefix) &&
        name.endsWith(pattern.suffix)
      ) {
        return this.expand(pattern, name);
      }
    }
    return undefined;
  }

  /** Public names for `GET /v1/models`: every group, then every pattern as written. */
  list(): Model[] {
    const models: Model[] = [];
    for (const group of this.groups.values()) {
      models.push(
        this.toModel(
          group.name,
          group.deployments.map((h) => h.deployment),
        ),
      );
    }
    for (const pattern of this.patterns) {
      models.push(this.toModel(`${pattern.prefix}*${pattern.suffix}`, pattern.templates));
    }
    return models;
  }

  /** Every deployment built so far (for readiness and shutdown). */
  handles(): DeploymentHandle[] {
    const all: DeploymentHandle[] = [];
    for (const group of this.groups.values()) all.push(...group.deployments);
    for (const pattern of this.patterns) {
      for (const group of pattern.expansions.values()) all.push(...group.deployments);
    }
    return all;
  }

  async close(): Promise<void> {
    await Promise.all(this.handles().map((h) => h.adapter.close()));
  }

  private expand(pattern: WildcardPattern, name: string): ModelGroup {
    const cached = pattern.expansions.get(name);
    if (cached !== undefined) return cached;
    if (pattern.expansions.size >= MAX_WILDCARD_EXPANSIONS) pattern.expansions.clear();
    const matched = name.slice(pattern.prefix.length, name.length - pattern.suffix.length);
    const group: ModelGroup = {
      name,
      deployments: pattern.templates.map((template, index) =>
        this.handle({
          ...template,
          id:
            pattern.templates.length === 1
              ? `${template.id}:${matched}`
              : `${template.id}:${matched}:${index}`,
          modelGroup: name,
          providerModel: template.providerModel.includes('*')
            ? template.providerModel.replace('*', matched)
            : template.providerModel,
        }),
      ),
    };
    pattern.expansions.set(name, group);
    return group;
  }

  private handle(deployment: ResolvedDeployment): DeploymentHandle {
    const factory = this.adapterFor(deployment.provider);
    if (factory === undefined) {
      // Config validation rejects unknown providers; reaching this is a bug.
      throw new Error(`No adapter for provider "${deployment.provider}"`);
    }
    return { deployment, adapter: factory(deployment) };
  }

  private toModel(id: string, deployments: readonly ResolvedDeployment[]): Model {
    const owners = [...new Set(deployments.map((d) => d.provider))].join(',');
    return { id, object: 'model', created: this.createdAt, owned_by: owners };
  }
}
