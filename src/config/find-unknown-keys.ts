import { z } from 'zod';
import type { ConfigPath } from './config-error.js';
import { unknownKeyPolicies } from './config-schema.js';
import { isConfigRecord } from './config-value.js';

/** A key the schema does not list, and what happens to it. */
export interface UnknownKey {
  readonly path: ConfigPath;
  /** `ignored`: stripped by the schema. `passed-to-adapter`: kept in the deployment's params. */
  readonly handling: 'ignored' | 'passed-to-adapter';
}

interface Visit {
  readonly schema: z.core.$ZodType;
  readonly value: unknown;
  readonly path: ConfigPath;
}

/**
 * Walks a raw config value alongside its schema and lists every key the schema does not know.
 * The schema is the single source of truth for known keys, so adding a field to
 * `config-schema.ts` silences its warning without a second list to keep in sync. Values of the
 * wrong type are skipped here: validation reports those.
 */
export function findUnknownKeys(schema: z.core.$ZodType, value: unknown): UnknownKey[] {
  const found: UnknownKey[] = [];
  visit({ schema, value, path: [] }, found);
  return found;
}

function visit(node: Visit, found: UnknownKey[]): void {
  const schema = unwrap(node.schema);
  const { value, path } = node;
  if (schema instanceof z.ZodObject) {
    if (!isConfigRecord(value)) return;
    const shape: Readonly<Record<string, z.core.$ZodType>> = schema.shape;
    const policy = unknownKeyPolicies.get(schema)?.unknownKeys;
    for (const [key, child] of Object.entries(value)) {
      const childSchema = Object.hasOwn(shape, key) ? shape[key] : undefined;
      if (childSchema !== undefined) {
        visit({ schema: childSchema, value: child, path: [...path, key] }, found);
      } else if (policy !== 'allowed') {
        found.push({ path: [...path, key], handling: policy ?? 'ignored' });
      }
    }
  } else if (schema instanceof z.ZodArray) {
    if (!Array.isArray(value)) return;
    const element: z.core.$ZodType = schema.element;
    value.forEach((item: unknown, index) => {
      visit({ schema: element, value: item, path: [...path, index] }, found);
    });
  } else if (schema instanceof z.ZodRecord) {
    if (!isConfigRecord(value)) return;
    const valueType: z.core.$ZodType = schema.valueType;
    for (const [key, child] of Object.entries(value)) {
      visit({ schema: valueType, value: child, path: [...path, key] }, found);
    }
  }
  // Scalars and unions have no keys of their own to check.
}

/** Looks through optional/nullable/default wrappers and preprocessing pipes to the shape. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault
    ) {
      current = current.unwrap();
    } else if (current instanceof z.ZodPipe) {
      // `z.preprocess` is a pipe from a transform into the real schema; otherwise the input
      // side describes what the file contains.
      current = current.in instanceof z.ZodTransform ? current.out : current.in;
    } else {
      return current;
    }
  }
}
