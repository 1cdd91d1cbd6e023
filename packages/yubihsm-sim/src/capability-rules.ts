/**
 * Capability and domain rules (reference §7 "Capabilities needed"):
 * - an object outside the session's domains looks missing (OBJECT_NOT_FOUND);
 * - using an object needs the capability on the session's auth key AND on the object (INSUFFICIENT_PERMISSIONS);
 * - a new object's domains must be within the session's, its capabilities (and delegated capabilities) within the
 *   auth key's delegated capabilities;
 * - wrap rules: see the ExportWrapped / ImportWrapped handlers.
 */
import { CapabilityBit, DeviceError, ObjectType, capability } from './device-codes.js';
import { fail } from './device-failure.js';
import type { DeviceObject } from './object-store.js';

/** What a session may do: a snapshot of its authentication key, taken at authentication time. */
export interface SessionAuthority {
  readonly authKeyId: number;
  readonly domains: number;
  readonly capabilities: bigint;
  readonly delegated: bigint;
}

export function isSubset(caps: bigint, of: bigint): boolean {
  return (caps & ~of) === 0n;
}

export function sharesDomain(objectDomains: number, sessionDomains: number): boolean {
  return (objectDomains & sessionDomains) !== 0;
}

export function requireSessionCapability(session: SessionAuthority, bit: number): void {
  if ((session.capabilities & capability(bit)) === 0n) fail(DeviceError.insufficientPermissions, 'session lacks capability');
}

/** Resolves an object as the session sees it: missing and out-of-domain objects both give OBJECT_NOT_FOUND. */
export function requireVisible(session: SessionAuthority, obj: DeviceObject | undefined): DeviceObject {
  if (!obj || !sharesDomain(obj.domains, session.domains)) fail(DeviceError.objectNotFound, 'object not found');
  return obj;
}

export function requireObjectCapability(obj: DeviceObject, bit: number): void {
  if ((obj.capabilities & capability(bit)) === 0n) fail(DeviceError.insufficientPermissions, 'object lacks capability');
}

/** Checks a new object's domains, capabilities and delegated capabilities against the creating session. */
export function requireCreatable(session: SessionAuthority, domains: number, caps: bigint, delegated = 0n): void {
  if (domains === 0) fail(DeviceError.invalidData, 'object needs at least one domain');
  if ((domains & ~session.domains) !== 0) fail(DeviceError.insufficientPermissions, 'domains outside the session');
  if (!isSubset(caps, session.delegated) || !isSubset(delegated, session.delegated)) {
    fail(DeviceError.insufficientPermissions, 'capabilities outside the delegated set');
  }
}

const DELETE_CAPABILITY: Readonly<Record<number, number>> = {
  [ObjectType.opaque]: CapabilityBit.deleteOpaque,
  [ObjectType.authenticationKey]: CapabilityBit.deleteAuthenticationKey,
  [ObjectType.asymmetricKey]: CapabilityBit.deleteAsymmetricKey,
  [ObjectType.wrapKey]: CapabilityBit.deleteWrapKey,
  [ObjectType.hmacKey]: CapabilityBit.deleteHmacKey,
  [ObjectType.template]: CapabilityBit.deleteTemplate,
  [ObjectType.otpAeadKey]: CapabilityBit.deleteOtpAeadKey,
  [ObjectType.symmetricKey]: CapabilityBit.deleteSymmetricKey,
  [ObjectType.publicWrapKey]: CapabilityBit.deletePublicWrapKey,
};

/** The delete-* capability bit for an object type, or undefined for an unknown type. */
export function deleteCapabilityFor(type: number): number | undefined {
  return DELETE_CAPABILITY[type];
}
