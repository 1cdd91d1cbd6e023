/**
 * A copy of `schema` with every local `$ref` (`#/components/...`) of `doc` replaced by the schema it points to, so a
 * tool's input schema stands alone (MCP clients do not resolve an OpenAPI document's components). A cycle stops with
 * an empty schema at the point it would repeat.
 */
export function inlineRefs(schema: unknown, doc: Readonly<Record<string, unknown>>, seen: readonly string[] = []): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inlineRefs(s, doc, seen));
  if (schema === null || typeof schema !== 'object') return schema;
  const obj = schema as Record<string, unknown>;
  if (typeof obj.$ref === 'string' && obj.$ref.startsWith('#/')) {
    const ref = obj.$ref;
    if (seen.includes(ref)) return {};
    const target = ref
      .slice(2)
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), doc);
    if (target === undefined) throw new Error(`OpenAPI document: unresolved $ref ${ref}`);
    const { $ref: _ref, ...siblings } = obj;
    return { ...(inlineRefs(target, doc, [...seen, ref]) as object), ...(inlineRefs(siblings, doc, seen) as object) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = inlineRefs(v, doc, seen);
  return out;
}
