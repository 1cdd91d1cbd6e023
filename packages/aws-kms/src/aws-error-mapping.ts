import { isOpenKmsError, openKmsError, type ErrorContext, type OpenKmsError } from '@openkms/core';

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown']);
const TRANSIENT = new Set(['KMSInternalException', 'DependencyTimeoutException', 'ServiceUnavailable', 'ServiceUnavailableException', 'InternalFailure']);
const AUTH = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'MissingAuthenticationToken',
  'CredentialsProviderError',
]);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: unknown;
}

function shape(err: unknown): { name: string; status: number | undefined; code: string | undefined } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorShape;
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    status: e.$metadata?.httpStatusCode,
    code: typeof e.code === 'string' ? e.code : undefined,
  };
}

/** True for throttling and transient service or network faults: worth another attempt. */
export function isRetryableAwsError(err: unknown): boolean {
  if (isOpenKmsError(err)) return false;
  const { name, status, code } = shape(err);
  if (THROTTLING.has(name) || TRANSIENT.has(name)) return true;
  if (code !== undefined && NETWORK.has(code)) return true;
  return status !== undefined && status >= 500;
}

/**
 * Every AWS SDK / KMS error → an OpenKmsError (fail closed). Context carries the AWS error name and HTTP status only:
 * never the SDK's message or the error object (its request could carry a session token).
 */
export function toOpenKmsError(err: unknown, context: ErrorContext): OpenKmsError {
  if (isOpenKmsError(err)) return err;
  const { name, status, code } = shape(err);
  const ctx: ErrorContext = { ...context, aws_error: name, ...(status !== undefined ? { http_status: status } : {}), ...(code ? { error_code: code } : {}) };
  if (THROTTLING.has(name)) return openKmsError('backend_unavailable', 'AWS KMS kept throttling the request', ctx);
  if (name === 'NotFoundException') return openKmsError('key_not_found', 'AWS KMS key not found', ctx);
  if (AUTH.has(name))
    return openKmsError('backend_error', 'AWS KMS refused the credentials or the permission (check the credential chain and key policy)', ctx);
  if (name === 'DisabledException' || name === 'KMSInvalidStateException' || name === 'KeyUnavailableException')
    return openKmsError('backend_error', 'AWS KMS key is disabled or not in a usable state', ctx);
  if (name === 'InvalidKeyUsageException' || name === 'UnsupportedOperationException')
    return openKmsError('backend_error', 'AWS KMS key cannot sign with this algorithm', ctx);
  if (TRANSIENT.has(name) || (status !== undefined && status >= 500) || (code !== undefined && NETWORK.has(code)))
    return openKmsError('backend_unavailable', 'AWS KMS is unavailable', ctx);
  return openKmsError('backend_error', 'AWS KMS request failed', ctx);
}
