import { isOpenKmsError, openKmsError, type OpenKmsError } from '@openkms/core';

/** The reply error a script raises when the fleet marker is missing (see fleet-marker.ts). */
export const STATE_LOST_REPLY = 'OKMS_STATE_LOST';

/**
 * Any fault of the shared store as the stable `state_unavailable` error, or `state_lost` when a script found the
 * fleet's marker gone. The message never carries the client's text (it may name hosts or, for some servers, echo
 * arguments); only the error's code is kept.
 */
export function stateUnavailable(err: unknown, what: string): OpenKmsError {
  if (isOpenKmsError(err)) return err;
  if (err instanceof Error && err.message.startsWith(STATE_LOST_REPLY)) return stateLost(what);
  const code = (err as { code?: unknown } | undefined)?.code;
  const name = (err as { name?: unknown } | undefined)?.name;
  return openKmsError('state_unavailable', `the shared state store (Redis) did not answer (${what}); nothing is signed until it does`, {
    ...(typeof code === 'string' ? { cause_code: code } : typeof name === 'string' ? { cause_code: name } : {}),
  });
}

/** Redis answers but the fleet's state is gone: nothing is signed until `openkms state rebuild` has run. */
export function stateLost(what: string): OpenKmsError {
  return openKmsError(
    'state_lost',
    `the fleet's shared state is gone from Redis (its fleet marker is missing; ${what}); nothing is signed until an operator runs openkms state rebuild`,
    {},
  );
}
