import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.js';
import { convertToGeminiSchema, isEmptyObjectSchema } from './convert-to-gemini-schema.js';

const init = { provider: 'gemini', param: 'tools[0].function.parameters', orderProperties: false };

function convert(schema: Record<string, unknown>, orderProperties = false) {
  return convertToGeminiSchema(schema, { ...init, orderProperties });
}

function refusal(schema: Record<string, unknown>): string {
  try {
    convert(schema);
  } catch (error) {
    if (error instanceof GatewayError) {
      expect(error.code).toBe('unsupported_parameter');
      expect(error.param).toBe('tools[0].function.parameters');
      return error.message;
    }
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('convertToGeminiSchema', () => {
  it('keeps the OpenAPI subset and drops annotations silently', () => {
    expect(
      convert({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        title: 'Args',
        type: 'object',
        properties: {
          city: { type: 'string', description: 'City', minLength: 1, pattern: '^[A-Z]' },
          days: { type: 'integer', minimum: 1, maximum: 10, default: 3, format: 'int32' },
          tags: { type: 'array', items: { type: 'string' }, maxItems: 5, examples: [['a']] },
          when: { type: 'string', format: 'date-time', deprecated: true },
        },
        required: ['city', 'ghost'],
        additionalProperties: false,
      }),
    ).toEqual({
      schema: {
        title: 'Args',
        type: 'object',
        properties: {
          city: { type: 'string', description: 'City', minLength: 1, pattern: '^[A-Z]' },
          days: { type: 'integer', minimum: 1, maximum: 10, default: 3, format: 'int32' },
          tags: { type: 'array', items: { type: 'string' }, maxItems: 5 },
          when: { type: 'string', format: 'date-time' },
        },
        required: ['city'],
      },
      dropped: [],
    });
  });

  it('turns null unions into nullable and type lists into anyOf', () => {
    expect(
      convert({
        type: 'object',
        properties: {
          a: { type: ['string', 'null'] },
          b: { anyOf: [{ type: 'number' }, { type: 'null' }], description: 'B' },
          c: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
          d: { type: ['string', 'number'] },
          e: { enum: ['x', 'y', null] },
          f: { const: 'fixed' },
        },
      }).schema.properties,
    ).toEqual({
      a: { type: 'string', nullable: true },
      b: { type: 'number', nullable: true, description: 'B' },
      c: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      d: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      e: { type: 'string', enum: ['x', 'y'], nullable: true },
      f: { type: 'string', enum: ['fixed'] },
    });
  });

  it('inlines local $refs and single-schema allOf', () => {
    expect(
      convert({
        type: 'object',
        properties: {
          home: { $ref: '#/$defs/address' },
          work: { allOf: [{ $ref: '#/definitions/address' }], description: 'Office' },
        },
        $defs: { address: { type: 'object', properties: { street: { type: 'string' } } } },
        definitions: { address: { type: 'object', properties: { street: { type: 'string' } } } },
      }).schema.properties,
    ).toEqual({
      home: { type: 'object', properties: { street: { type: 'string' } } },
      work: { type: 'object', properties: { street: { type: 'string' } }, description: 'Office' },
    });
  });

  it('adds propertyOrdering when asked (structured output)', () => {
    expect(
      convert(
        { type: 'object', properties: { b: { type: 'string' }, a: { type: 'string' } } },
        true,
      ).schema.propertyOrdering,
    ).toEqual(['b', 'a']);
  });

  it('reports the validation keywords it drops', () => {
    expect(
      convert({
        type: 'object',
        properties: {
          n: { type: 'number', exclusiveMinimum: 0, multipleOf: 2 },
          list: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        },
        additionalProperties: { type: 'string' },
      }).dropped,
    ).toEqual([
      'properties.n.exclusiveMinimum',
      'properties.n.multipleOf',
      'properties.list.uniqueItems',
      'additionalProperties',
    ]);
  });

  it.each([
    [{ type: 'object', properties: { a: { not: { type: 'string' } } } }, 'properties.a: "not"'],
    [
      {
        type: 'object',
        properties: { a: { $ref: '#/$defs/node' } },
        $defs: { node: { type: 'object', properties: { next: { $ref: '#/$defs/node' } } } },
      },
      'the recursive "#/$defs/node"',
    ],
    [
      { type: 'object', properties: { a: { $ref: 'https://example.com/a.json' } } },
      'the reference',
    ],
    [{ type: 'array', prefixItems: [{ type: 'string' }] }, '"prefixItems"'],
    [{ type: 'array', items: [{ type: 'string' }] }, 'a tuple'],
    [{ type: 'integer', enum: [1, 2] }, '"enum" of non-strings'],
    [{ type: 'object', properties: { a: {} } }, 'properties.a: a schema that accepts any value'],
    [{ allOf: [{ type: 'object' }, { type: 'object' }] }, '"allOf" with several schemas'],
    [{ type: 'object', if: { type: 'object' }, then: {} }, '"if"'],
  ])('refuses %j', (schema, text) => {
    expect(refusal(schema)).toContain(text);
  });

  it('recognises an argument-less function schema', () => {
    expect(isEmptyObjectSchema({ type: 'object', properties: {} })).toBe(true);
    expect(isEmptyObjectSchema({ type: 'object' })).toBe(true);
    expect(isEmptyObjectSchema({ $ref: '#/$defs/x' })).toBe(false);
    expect(isEmptyObjectSchema({ type: 'object', properties: { a: { type: 'string' } } })).toBe(
      false,
    );
  });
});
