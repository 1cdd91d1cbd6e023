import { isOpenKmsError, openKmsError, type OpenKmsError } from '@openkms/core';

/**
 * Any fault of the shared store as the stable `state_unavailable` error. The message never carries the client's
 * text (it may name hosts or, for some servers, echo arguments); only the error's code is kept.
 */
export function stateUnavailable(err: unknown, what: string): OpenKmsError {
  if (isOpenKmsError(err)) return err;
  const code = (err as { code?: unknown } | undefined)?.code;
  const name = (err as { name?: unknown } | undefined)?.name;
  return openKmsError('state_unavailable', `the shared state store (Redis) did not answer (${what}); nothing is signed until it does`, {
    ...(typeof code === 'string' ? { cause_code: code } : typeof name === 'string' ? { cause_code: name } : {}),
  });
}
