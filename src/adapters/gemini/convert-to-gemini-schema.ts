import { GatewayError } from '../../core/errors.js';
import type { GeminiSchema } from './gemini-api.js';

/**
 * JSON Schema (what OpenAI tools and `response_format` carry) → Gemini's Schema, a subset of
 * OpenAPI 3.0 (https://ai.google.dev/api/caching#Schema,
 * https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/Schema).
 *
 * - Rewritten: local `$ref`s (`#/$defs/x`, `#/definitions/x`) are inlined; `type: [t, "null"]`,
 *   `anyOf: [..., {type: "null"}]` and `enum` with `null` become `nullable: true`; `oneOf` becomes
 *   `anyOf` (a generator has nothing to gain from exclusivity); a one-element `allOf` is inlined;
 *   a string `const` becomes a one-value `enum`; `type: [a, b]` becomes `anyOf`.
 * - Dropped without notice: annotations that change nothing the model produces (`$schema`, `$id`,
 *   `$comment`, `examples`, `deprecated`, `readOnly`, `writeOnly`) and a boolean
 *   `additionalProperties` / `unevaluatedProperties` (Gemini never adds undeclared properties).
 * - Dropped with a warning: other validation keywords Gemini lacks (`exclusiveMinimum`,
 *   `multipleOf`, `uniqueItems`, an `additionalProperties` schema...): the model is less
 *   constrained than asked, the caller should know.
 * - Refused (400 `unsupported_parameter`): what would change the shape of the data if dropped:
 *   recursive or non-local `$ref`, `not`, `if`/`then`/`else`, tuples (`prefixItems`, `items`
 *   arrays), `patternProperties`, a multi-schema `allOf`, non-string `enum`/`const` (Gemini's
 *   enums are strings), and schemas that accept anything or nothing (`{}`, `true`, `false`)
 *   below the root.
 */

type JsonObject = Record<string, unknown>;

export interface SchemaConversionInit {
  /** Provider name for errors. */
  readonly provider: string;
  /** Request path of the schema, e.g. `tools[0].function.parameters`. */
  readonly param: string;
  /**
   * Add `propertyOrdering` (declaration order) to objects: Gemini otherwise orders the properties
   * of structured output alphabetically, OpenAI in declaration order
   * (https://ai.google.dev/gemini-api/docs/structured-output#property-ordering).
   */
  readonly orderProperties: boolean;
}

export interface SchemaConversion {
  readonly schema: GeminiSchema;
  /** Keywords dropped with a warning, as `path: keyword` strings. */
  readonly dropped: readonly string[];
}

/** Keywords copied as they are. */
const COPIED = [
  'format',
  'title',
  'description',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'default',
  'example',
] as const;

/** Keywords that mean nothing to generation. */
const IGNORED: ReadonlySet<string> = new Set([
  '$schema',
  '$id',
  '$comment',
  '$defs',
  'definitions',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'nullable',
  'propertyOrdering',
]);

/** Keywords whose loss would change the data's shape. */
const REFUSED: ReadonlySet<string> = new Set([
  'not',
  'if',
  'then',
  'else',
  'prefixItems',
  'contains',
  'patternProperties',
  'dependentSchemas',
  'dependencies',
]);

/** Keywords handled by the converter itself. */
const HANDLED: ReadonlySet<string> = new Set([
  ...COPIED,
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'items',
  'anyOf',
  'oneOf',
  'allOf',
  '$ref',
  'additionalProperties',
  'unevaluatedProperties',
]);

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class SchemaConverter {
  readonly dropped: string[] = [];
  private readonly init: SchemaConversionInit;
  private readonly root: JsonObject;

  constructor(root: JsonObject, init: SchemaConversionInit) {
    this.root = root;
    this.init = init;
  }

  refuse(path: string, reason: string): GatewayError {
    const where = path === '' ? this.init.param : `${this.init.param}.${path}`;
    return new GatewayError(
      'unsupported_parameter',
      `${where}: ${reason}, which ${this.init.provider}'s schema subset (OpenAPI 3.0) cannot express`,
      { param: this.init.param, provider: this.init.provider },
    );
  }

  convert(node: unknown, context: { path: string; refs: readonly string[] }): GeminiSchema {
    const { path } = context;
    if (node === true || (isObject(node) && Object.keys(node).length === 0)) {
      throw this.refuse(path, 'a schema that accepts any value');
    }
    if (!isObject(node)) throw this.refuse(path, 'a schema that accepts no value');
    if (typeof node.$ref === 'string') return this.convertRef(node, context);
    const allOf = node.allOf;
    if (allOf !== undefined) {
      if (!Array.isArray(allOf) || allOf.length !== 1 || !isObject(allOf[0])) {
        throw this.refuse(path, '"allOf" with several schemas');
      }
      const { allOf: _allOf, ...rest } = node;
      return this.convert({ ...allOf[0], ...rest }, context);
    }
    for (const key of Object.keys(node)) {
      if (REFUSED.has(key)) throw this.refuse(path, `"${key}"`);
    }
    const out: GeminiSchema = {};
    for (const key of COPIED) {
      if (node[key] !== undefined) (out as JsonObject)[key] = node[key];
    }
    const scope = { out, path, refs: context.refs };
    this.convertType(node, scope);
    this.convertEnum(node, scope);
    this.convertObject(node, scope);
    this.convertItems(node, scope);
    this.convertUnion(node, scope);
    this.noteDropped(node, path);
    return out;
  }

  private convertRef(
    node: JsonObject,
    context: { path: string; refs: readonly string[] },
  ): GeminiSchema {
    const ref = node.$ref as string;
    const match = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref);
    const defs = match === null ? undefined : this.root[match[1] as string];
    const target = isObject(defs) ? defs[decodeURIComponent(match?.[2] ?? '')] : undefined;
    if (target === undefined) throw this.refuse(context.path, `the reference "${ref}"`);
    if (context.refs.includes(ref)) throw this.refuse(context.path, `the recursive "${ref}"`);
    const { $ref: _ref, ...siblings } = node;
    const resolved = isObject(target) ? { ...target, ...siblings } : target;
    return this.convert(resolved, { path: context.path, refs: [...context.refs, ref] });
  }

  private convertType(
    node: JsonObject,
    context: { out: GeminiSchema; path: string; refs: readonly string[] },
  ): void {
    const { out, path } = context;
    const type = node.type;
    if (type === undefined) return;
    const types = Array.isArray(type) ? type : [type];
    if (!types.every((entry): entry is string => typeof entry === 'string')) {
      throw this.refuse(path, '"type" that is not a string');
    }
    const nonNull = types.filter((entry) => entry !== 'null');
    if (nonNull.length < types.length && nonNull.length > 0) out.nullable = true;
    if (nonNull.length === 0) out.type = 'null';
    else if (nonNull.length === 1) out.type = nonNull[0];
    else out.anyOf = nonNull.map((entry) => ({ type: entry }));
  }

  private convertEnum(node: JsonObject, context: { out: GeminiSchema; path: string }): void {
    const { out, path } = context;
    const values = node.const !== undefined ? [node.const] : node.enum;
    if (values === undefined) return;
    if (!Array.isArray(values)) throw this.refuse(path, '"enum" that is not an array');
    const nonNull = values.filter((value) => value !== null);
    if (!nonNull.every((value): value is string => typeof value === 'string')) {
      throw this.refuse(path, `"${node.const !== undefined ? 'const' : 'enum'}" of non-strings`);
    }
    if (nonNull.length < values.length) out.nullable = true;
    out.enum = nonNull;
    out.type ??= 'string';
  }

  private convertObject(
    node: JsonObject,
    context: { out: GeminiSchema; path: string; refs: readonly string[] },
  ): void {
    const { out, path, refs } = context;
    const properties = node.properties;
    if (isObject(properties)) {
      const converted: Record<string, GeminiSchema> = {};
      for (const [name, schema] of Object.entries(properties)) {
        converted[name] = this.convert(schema, { path: join(path, `properties.${name}`), refs });
      }
      out.properties = converted;
      if (this.init.orderProperties && Object.keys(converted).length > 1) {
        out.propertyOrdering = Object.keys(converted);
      }
    }
    if (Array.isArray(node.required)) {
      const names = Object.keys(out.properties ?? {});
      out.required = node.required.filter(
        (name): name is string => typeof name === 'string' && names.includes(name),
      );
    }
  }

  private convertItems(
    node: JsonObject,
    context: { out: GeminiSchema; path: string; refs: readonly string[] },
  ): void {
    const items = node.items;
    if (items === undefined) return;
    if (Array.isArray(items)) throw this.refuse(context.path, 'a tuple ("items" array)');
    context.out.items = this.convert(items, {
      path: join(context.path, 'items'),
      refs: context.refs,
    });
  }

  private convertUnion(
    node: JsonObject,
    context: { out: GeminiSchema; path: string; refs: readonly string[] },
  ): void {
    const { out, path, refs } = context;
    const keyword = node.anyOf !== undefined ? 'anyOf' : 'oneOf';
    const members = node[keyword];
    if (members === undefined) return;
    if (!Array.isArray(members)) throw this.refuse(path, `"${keyword}" that is not an array`);
    const isNull = (member: unknown): boolean => isObject(member) && member.type === 'null';
    const nonNull = members.filter((member) => !isNull(member));
    if (nonNull.length < members.length) out.nullable = true;
    const converted = nonNull.map((member, position) =>
      this.convert(member, { path: join(path, `${keyword}[${position}]`), refs }),
    );
    if (converted.length === 1) {
      // `anyOf: [X, {type: null}]` (how zod and pydantic spell optional values) is just X.
      const { description, ...only } = converted[0] as GeminiSchema;
      Object.assign(out, only);
      if (out.description === undefined && description !== undefined) {
        out.description = description;
      }
    } else if (converted.length > 1) {
      out.anyOf = converted;
    }
  }

  private noteDropped(node: JsonObject, path: string): void {
    for (const [key, value] of Object.entries(node)) {
      if (IGNORED.has(key) || key === 'oneOf') continue;
      const booleanClosure =
        (key === 'additionalProperties' || key === 'unevaluatedProperties') &&
        typeof value === 'boolean';
      if (booleanClosure) continue;
      if (HANDLED.has(key) && key !== 'additionalProperties' && key !== 'unevaluatedProperties') {
        continue;
      }
      this.dropped.push(path === '' ? key : `${path}.${key}`);
    }
  }
}

function join(path: string, segment: string): string {
  return path === '' ? segment : `${path}.${segment}`;
}

/** Converts one JSON Schema; throws `unsupported_parameter` for what Gemini cannot express. */
export function convertToGeminiSchema(
  schema: Readonly<JsonObject>,
  init: SchemaConversionInit,
): SchemaConversion {
  const converter = new SchemaConverter(schema, init);
  const converted = converter.convert(schema, { path: '', refs: [] });
  return { schema: converted, dropped: converter.dropped };
}

/** Whether a JSON Schema describes an object without any property (a function without args). */
export function isEmptyObjectSchema(schema: Readonly<JsonObject>): boolean {
  const properties = schema.properties;
  const noProperties =
    properties === undefined || (isObject(properties) && Object.keys(properties).length === 0);
  const composed = ['anyOf', 'oneOf', 'allOf', '$ref'].some((key) => schema[key] !== undefined);
  return (schema.type === 'object' || schema.type === undefined) && noProperties && !composed;
}
