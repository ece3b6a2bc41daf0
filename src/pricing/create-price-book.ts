import type { ResolvedDeployment } from '../core/deployment.js';
import type { Logger } from '../core/logger.js';
import { lookupTablePrices } from './lookup-table-prices.js';
import { mapDeploymentToPriceModel } from './map-deployment-to-price-model.js';
import { mergePriceFields } from './merge-price-fields.js';
import type { PriceFields } from './price-fields.js';
import { PRICE_FIELDS } from './price-fields.js';
import type { DeploymentPricing, PriceBook } from './pricing.js';
import { readConfigPrices } from './read-config-prices.js';
import type { PriceSource } from './scheduled-pricing.js';
import { ScheduledPricing } from './scheduled-pricing.js';

export interface PriceBookOptions {
  readonly logger: Logger;
  /** Picks among the table's dated price changes at lookup time; tests pin it. */
  readonly now?: () => Date;
}

/**
 * Wildcard routes (`openai/*`) make a deployment per distinct model a client names, so both the
 * memo and the warned-model set are bounded; like the model catalog, they start over when full
 * (a price is then looked up, or a warning logged, once more).
 */
const MAX_ENTRIES = 4096;

interface Resolver {
  readonly logger: Logger;
  readonly now: () => Date;
  readonly warned: Set<string>;
}

function warnOnce(resolver: Resolver, key: string, warn: () => void): void {
  if (resolver.warned.has(key)) return;
  if (resolver.warned.size >= MAX_ENTRIES) resolver.warned.clear();
  resolver.warned.add(key);
  warn();
}

function isEmpty(fields: PriceFields): boolean {
  return PRICE_FIELDS.every((field) => fields[field] === undefined);
}

/** Whether any field the table priced survives the config's overrides. */
function usesTable(table: PriceFields, config: PriceFields): boolean {
  return PRICE_FIELDS.some(
    (field) => table[field] !== undefined && config[field]?.base === undefined,
  );
}

function tableSource(table: PriceFields, config: PriceFields): PriceSource {
  if (isEmpty(config)) return 'genai-prices';
  return usesTable(table, config) ? 'config+genai-prices' : 'config';
}

function resolvePricing(resolver: Resolver, deployment: ResolvedDeployment): ScheduledPricing {
  const config = readConfigPrices(deployment);
  if (config.invalidKeys.length > 0) {
    warnOnce(resolver, `invalid:${deployment.id}`, () =>
      resolver.logger.warn('pricing: ignoring price settings that are not non-negative numbers', {
        deployment: deployment.id,
        keys: config.invalidKeys,
      }),
    );
  }
  const configured = !isEmpty(config.fields);
  const target = mapDeploymentToPriceModel(deployment);
  if (target.kind === 'free') {
    return new ScheduledPricing({ source: configured ? 'config' : 'free', fields: config.fields });
  }
  const table = lookupTablePrices({ ...target, now: resolver.now() });
  if (table.found) {
    return new ScheduledPricing({
      source: tableSource(table.fields, config.fields),
      fields: mergePriceFields(table.fields, config.fields),
      matched: table.matched,
    });
  }
  if (configured) return new ScheduledPricing({ source: 'config', fields: config.fields });
  warnOnce(resolver, `unknown:${deployment.provider}/${target.model}`, () =>
    resolver.logger.warn('pricing: unknown model, its requests cost 0 until the config prices it', {
      provider: deployment.provider,
      model: target.model,
      deployment: deployment.id,
      reason: table.reason,
      ...(target.hint === undefined ? {} : { hint: target.hint }),
    }),
  );
  return new ScheduledPricing({ source: 'unknown', fields: {} });
}

/**
 * The price book: each deployment's prices are resolved on first use (bundled table, then the
 * deployment's config prices on top, field by field) and memoised by deployment id, so a request
 * only multiplies. Unknown models cost 0 and are warned about once per provider and model.
 */
export function createPriceBook(options: PriceBookOptions): PriceBook {
  const resolver: Resolver = {
    logger: options.logger,
    now: options.now ?? (() => new Date()),
    warned: new Set(),
  };
  const byDeployment = new Map<string, DeploymentPricing>();
  return {
    pricingFor(deployment: ResolvedDeployment): DeploymentPricing {
      const cached = byDeployment.get(deployment.id);
      if (cached !== undefined) return cached;
      if (byDeployment.size >= MAX_ENTRIES) byDeployment.clear();
      const pricing = resolvePricing(resolver, deployment);
      byDeployment.set(deployment.id, pricing);
      return pricing;
    },
  };
}
