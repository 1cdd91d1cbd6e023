import { isOpenKmsError, openKmsError, type ErrorContext, type OpenKmsError } from '@openkms/core';

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'REQUEST_SEND_ERROR']);
const CREDENTIAL = new Set(['AuthenticationError', 'CredentialUnavailableError', 'AggregateAuthenticationError', 'AuthenticationRequiredError']);

interface RestErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly response?: { readonly headers?: { get?(name: string): string | undefined } };
}

function shape(err: unknown): { name: string; status: number | undefined; code: string | undefined; retryAfterMs: number | undefined } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as RestErrorShape;
  const retryAfter = e.response?.headers?.get?.('retry-after');
  const secs = retryAfter !== undefined ? Number(retryAfter) : NaN;
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    status: typeof e.statusCode === 'number' ? e.statusCode : undefined,
    code: typeof e.code === 'string' ? e.code : undefined,
    retryAfterMs: Number.isFinite(secs) && secs >= 0 ? secs * 1000 : undefined,
  };
}

/** Throttling (429), server faults (5xx) and network faults are worth another attempt; Retry-After is honoured. */
export function retryVerdict(err: unknown): { retry: boolean; afterMs?: number } {
  if (isOpenKmsError(err)) return { retry: false };
  const { status, code, retryAfterMs } = shape(err);
  const retry = status === 429 || (status !== undefined && status >= 500) || (status === undefined && code !== undefined && NETWORK.has(code));
  return retry ? { retry, ...(retryAfterMs !== undefined ? { afterMs: retryAfterMs } : {}) } : { retry: false };
}

/** The label a metrics event carries for an Azure error (status or error name; never its message). */
export const errorLabel = (err: unknown): string => {
  const { name, status, code } = shape(err);
  return status !== undefined ? `http_${status}` : (code ?? name);
};

/**
 * Every Azure SDK / Key Vault / Entra ID error → an OpenKmsError (fail closed). Context carries the HTTP status and
 * Azure's error code only: never the SDK's message or the error object (its request carries the bearer token).
 */
export function toOpenKmsError(err: unknown, context: ErrorContext): OpenKmsError {
  if (isOpenKmsError(err)) return err;
  const { name, status, code } = shape(err);
  const ctx: ErrorContext = { ...context, azure_error: code ?? name, ...(status !== undefined ? { http_status: status } : {}) };
  if (CREDENTIAL.has(name)) return openKmsError('backend_error', 'Azure credential could not get a token (check the credential configuration)', ctx);
  if (status === 429) return openKmsError('backend_unavailable', 'Azure Key Vault kept throttling the request', ctx);
  if (status === 401 || status === 403)
    return openKmsError('backend_error', 'Azure Key Vault refused the credentials or the permission (check the access policy / RBAC role)', ctx);
  if (status === 404) return openKmsError('key_not_found', 'Azure Key Vault key not found', ctx);
  if ((status !== undefined && status >= 500) || (status === undefined && code !== undefined && NETWORK.has(code)))
    return openKmsError('backend_unavailable', 'Azure Key Vault is unavailable', ctx);
  return openKmsError('backend_error', 'Azure Key Vault request failed', ctx);
}
