import { toGatewayError, type GatewayError } from '../errors.js';
import type { ModelGroup } from '../model-catalog.js';
import type { RequestContext } from '../request-context.js';
import type { AdmitFallback } from '../router.js';
import type { RouterPolicy } from './router-options.js';

/** Where the chain finds and admits groups. */
export interface FallbackLookup {
  /** The group for a public model name (the catalog), or undefined. */
  readonly resolve: (name: string) => ModelGroup | undefined;
  readonly admit: AdmitFallback | undefined;
}

/**
 * The fallback groups of one request, discovered as groups fail: when a group fails, its own
 * fallbacks for that kind of failure join the end of the queue, so the requested group's list is
 * tried first, in order, then the fallbacks of those fallbacks. A group is queued at most once
 * (no cycles), and at most `maxFallbacks` groups are tried (bounded chains). Created only when a
 * request's first group fails.
 */
export class FallbackChain {
  private readonly first: string;
  private readonly requestFallbacks: readonly string[] | undefined;
  private readonly policy: RouterPolicy;
  private readonly maxFallbacks: number;
  private readonly queue: string[] = [];
  private readonly seen: Set<string>;
  private tried = 0;

  constructor(init: {
    first: string;
    requestFallbacks: readonly string[] | undefined;
    policy: RouterPolicy;
    maxFallbacks: number;
  }) {
    this.first = init.first;
    this.requestFallbacks = init.requestFallbacks;
    this.policy = init.policy;
    this.maxFallbacks = init.maxFallbacks;
    this.seen = new Set([init.first]);
  }

  /**
   * Queues the fallbacks for `failed.group`'s failure, then returns the next group that exists
   * and admits the request, or undefined when the chain is exhausted. A group that does not
   * exist, or that refuses the request (not allowed for the key, over budget), is skipped with a
   * warning on the request.
   */
  async next(
    ctx: RequestContext,
    failed: { group: ModelGroup; error: GatewayError },
    lookup: FallbackLookup,
  ): Promise<ModelGroup | undefined> {
    for (const name of this.fallbacksFor(failed.group.name, failed.error)) {
      if (this.seen.has(name)) continue;
      this.seen.add(name);
      this.queue.push(name);
    }
    while (this.tried < this.maxFallbacks) {
      const name = this.queue.shift();
      if (name === undefined) return undefined;
      const group = lookup.resolve(name);
      if (group === undefined) {
        ctx.warn(`fallback "${name}" skipped: model_not_found`);
        continue;
      }
      if (lookup.admit !== undefined) {
        try {
          await lookup.admit(ctx, group);
        } catch (error) {
          // The code, not the message: warnings travel in one header line.
          ctx.warn(`fallback "${name}" skipped: ${toGatewayError(error).code}`);
          continue;
        }
      }
      this.tried += 1;
      return group;
    }
    return undefined;
  }

  /**
   * A context window or content policy failure goes to its own list when the group has one;
   * every failure can go to the general list: the request's own `fallbacks` (for the requested
   * group), else the group's configured `fallbacks`, else `default_fallbacks`.
   */
  private fallbacksFor(group: string, error: GatewayError): readonly string[] {
    if (error.code === 'context_length_exceeded') {
      const specific = this.policy.contextWindowFallbacks.get(group);
      if (specific !== undefined && specific.length > 0) return specific;
    }
    if (error.code === 'content_policy_violation') {
      const specific = this.policy.contentPolicyFallbacks.get(group);
      if (specific !== undefined && specific.length > 0) return specific;
    }
    if (group === this.first && this.requestFallbacks !== undefined) return this.requestFallbacks;
    return this.policy.fallbacks.get(group) ?? this.policy.defaultFallbacks;
  }
}
