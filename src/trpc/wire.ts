/**
 * Returns `value` unchanged, typed member by member. Why: a procedure whose output is a named
 * server interface (ApiKeyView, SpendGroup...) makes AppRouter's declarations import that
 * interface's module and, through it, the module's dependencies (drizzle, the pricing tables...).
 * A mapped type is printed as its members instead, which keeps the declarations that clients/ts
 * ships self-contained. Members that are themselves named interfaces need their own `wire()`.
 */
export function wire<T extends object>(value: T): { [K in keyof T]: T[K] } {
  return value;
}

/**
 * T without string index signatures, deeply; a record with no named keys stays a record.
 *
 * The core's chat schemas are loose (`[x: string]: unknown`, so that new provider fields pass
 * through), and tRPC's JSON `Serialize` type drops every optional named key of such an object:
 * clients would see `usage` or `delta.content` vanish. Outputs are typed by their named keys
 * only; extra fields still reach the client at runtime.
 */
export type Known<T> = T extends readonly (infer Element)[]
  ? Known<Element>[]
  : T extends object
    ? keyof NamedKeys<T> extends never
      ? T
      : { [K in keyof NamedKeys<T>]: Known<T[K]> }
    : T;

type NamedKeys<T> = {
  [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K];
};

/** `value` typed as `Known<T>` (see above): a type-level view, the value is not copied. */
export function known<T>(value: T): Known<T> {
  return value as Known<T>;
}
