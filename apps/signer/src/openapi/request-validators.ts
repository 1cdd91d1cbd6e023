import type { ValidateFunction } from 'ajv';
import { ErrorCode, openKmsError } from '@openkms/core';
import { createAjv, describeError, errorPath } from '../validation/create-ajv.js';
import type { OpenApiDocument } from './compose-openapi.js';

const DOC_ID = 'https://openkms.dev/openapi/v1';

/** Request-body validators compiled from the composed OpenAPI document: the document is the source of truth. */
export class RequestValidators {
  private readonly ajv = createAjv();
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(doc: OpenApiDocument) {
    this.ajv.addSchema({ ...doc, $id: DOC_ID });
  }

  /** Validates `body` against `#/components/schemas/<name>`; throws invalid_request naming the field. */
  check(schemaName: string, body: unknown): void {
    let validate = this.cache.get(schemaName);
    if (!validate) {
      const found = this.ajv.getSchema(`${DOC_ID}#/components/schemas/${schemaName}`);
      if (!found) throw new Error(`no schema ${schemaName} in the OpenAPI document`);
      validate = found;
      this.cache.set(schemaName, validate);
    }
    if (!validate(body)) {
      const error = validate.errors![0]!;
      throw openKmsError(ErrorCode.invalidRequest, `invalid request body: ${describeError(error)}`, { path: errorPath(error) });
    }
  }
}
