/** A JSON Schema (draft 2020-12, as used by OpenAPI 3.1). Kept structural so core needs no validator. */
export type JsonSchema = { readonly [keyword: string]: unknown };
