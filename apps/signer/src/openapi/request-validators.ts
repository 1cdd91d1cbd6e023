import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { ErrorCode, openKmsError } from '@openkms/core';
import { describeError, errorPath, sharedAjv } from '../validation/create-ajv.js';
import { precompiledDocumentValidator } from '../validation/precompiled-validators.js';
import type { OpenApiDocument } from './compose-openapi.js';

const DOC_ID = 'https://openkms.dev/openapi/v1';
let instances = 0;

/** The request schemas the signer validates bodies against (the build precompiles these for the default plugins). */
export function requestSchemaNames(doc: OpenApiDocument): string[] {
  const fixed = ['PairingRequest', 'PairingApproval', 'GatewayContractRegistration', 'PolicyOverlay'];
  const sign = Object.keys((doc.components?.schemas ?? {}) as object).filter((n) => n.startsWith('SignRequest.'));
  return [...sign, ...fixed.filter((n) => (doc.components?.schemas as Record<string, unknown> | undefined)?.[n] !== undefined)];
}

/**
 * Request-body validators compiled from the composed OpenAPI document: the document is the source of truth.
 * Every error is collected so the one reported is the most useful: an unknown key before a missing one, and never
 * the "no branch of anyOf matched" wrapper of a nullable field (the failing branch's own error instead).
 */
export class RequestValidators {
  // the process's shared ajv; each document under its own id (tests start many signers). Added on the first check or
  // warm-up, not at construction: ajv is then loaded after the signer listens.
  private ajv: Ajv2020 | undefined;
  private readonly id = `${DOC_ID}/${++instances}`;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly runtimeCompiled: string[] = [];

  constructor(private readonly doc: OpenApiDocument) {}

  private shared(): Ajv2020 {
    if (this.ajv === undefined) {
      this.ajv = sharedAjv();
      this.ajv.addSchema({ ...this.doc, $id: this.id });
    }
    return this.ajv;
  }

  /** Compiles the named schemas now (after the signer listens), so the first request does not pay for it. */
  warm(schemaNames: readonly string[]): void {
    for (const name of schemaNames) this.validator(name);
  }

  private validator(schemaName: string): ValidateFunction {
    let validate = this.cache.get(schemaName);
    if (!validate) {
      // the build's standalone validator for this document's schema, else compiled now (ajv loaded on first need)
      let found = precompiledDocumentValidator(this.doc, schemaName);
      if (found === undefined) {
        found = this.shared().getSchema(`${this.id}#/components/schemas/${schemaName}`);
        if (!found) throw new Error(`no schema ${schemaName} in the OpenAPI document`);
        this.runtimeCompiled.push(schemaName);
      }
      validate = found;
      this.cache.set(schemaName, validate);
    }
    return validate;
  }

  /** The schemas compiled with ajv in this process (not found precompiled by the build). */
  compiledAtRunTime(): readonly string[] {
    return this.runtimeCompiled;
  }

  /** Validates `body` against `#/components/schemas/<name>`; throws invalid_request naming the field (details.path). */
  check(schemaName: string, body: unknown): void {
    const validate = this.validator(schemaName);
    if (!validate(body)) {
      const error = mostUseful(validate.errors ?? []);
      const path = fieldPath(error, body);
      const dotted = errorPath(error);
      const text = describeError(error);
      const what = text.startsWith(`${dotted}: `) ? text.slice(dotted.length + 2) : text;
      throw openKmsError(ErrorCode.invalidRequest, `invalid request body: ${path}: ${what}`, { path });
    }
  }
}

function mostUseful(errors: readonly ErrorObject[]): ErrorObject {
  const candidates = errors.filter(
    (e) => !['anyOf', 'oneOf', 'if'].includes(e.keyword) && !(e.keyword === 'type' && (e.params as { type?: unknown }).type === 'null'),
  );
  return candidates.find((e) => e.keyword === 'additionalProperties') ?? candidates[0] ?? errors[0]!;
}

/** The field an error is about: `per_tx_caps.native`, `allowed_programs[0].id` (array indices in brackets). */
function fieldPath(error: ErrorObject, body: unknown): string {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const p = error.params as { additionalProperty?: string; missingProperty?: string; propertyName?: string };
  const extra = p.additionalProperty ?? p.missingProperty ?? p.propertyName;
  if (extra !== undefined && ['additionalProperties', 'required', 'propertyNames'].includes(error.keyword)) segments.push(extra);
  let out = '';
  let node: unknown = body;
  for (const seg of segments) {
    out += Array.isArray(node) ? `[${seg}]` : out ? `.${seg}` : seg;
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
  }
  return out || '(root)';
}
