import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { parse, type ParseOptions, type Source } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * What one GraphQL operation may ask for. The deepest useful selection is six levels
 * (chatCompletion → choices → delta → toolCalls → function → arguments); the cycles
 * (team → keys → team...) are what the depth limit is for. Introspection is exempt.
 */
export const GRAPHQL_LIMITS = {
  maxDepth: 8,
  /** graphql-armor's cost: objects 2, scalars 1, x1.5 per level, x `first:` of a list. */
  maxCost: 5000,
  /** Lexical tokens in one document, checked while parsing (before any other work). */
  maxTokens: 10_000,
} as const;

function useMaxTokens(maxTokens: number): Plugin {
  return {
    onParse({ setParseFn }) {
      setParseFn((source: string | Source, options?: ParseOptions) =>
        parse(source, { ...options, maxTokens }),
      );
    },
  };
}

export function limitPlugins(): Plugin[] {
  return [
    useMaxTokens(GRAPHQL_LIMITS.maxTokens),
    maxDepthPlugin({ n: GRAPHQL_LIMITS.maxDepth }),
    costLimitPlugin({ maxCost: GRAPHQL_LIMITS.maxCost }),
  ];
}
