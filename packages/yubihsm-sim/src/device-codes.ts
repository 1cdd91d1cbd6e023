/**
 * The identifiers the simulator uses, taken from the driver's protocol constants (@openkms/yubihsm) so both ends
 * share one source of truth. The camelCase aliases here only make the device code easier to read.
 */
import {
  ALL_CAPABILITIES_MASK,
  Algorithm as DriverAlgorithm,
  CapabilityBit as DriverCapabilityBit,
  CommandCode,
  DeviceErrorCode,
  DeviceOption as DriverDeviceOption,
  LOG_ENTRY_CAPACITY,
  MAX_FRAME_SIZE,
  MAX_OBJECTS as DRIVER_MAX_OBJECTS,
  MAX_SESSIONS as DRIVER_MAX_SESSIONS,
  ObjectType as DriverObjectType,
  Origin as DriverOrigin,
  SESSION_IDLE_TIMEOUT_MS as DRIVER_SESSION_IDLE_TIMEOUT_MS,
} from '@openkms/yubihsm';

export const Command = CommandCode;

export const ObjectType = {
  opaque: DriverObjectType.opaque,
  authenticationKey: DriverObjectType['authentication-key'],
  asymmetricKey: DriverObjectType['asymmetric-key'],
  wrapKey: DriverObjectType['wrap-key'],
  hmacKey: DriverObjectType['hmac-key'],
  template: DriverObjectType.template,
  otpAeadKey: DriverObjectType['otp-aead-key'],
  symmetricKey: DriverObjectType['symmetric-key'],
  publicWrapKey: DriverObjectType['public-wrap-key'],
} as const;

export const Algorithm = {
  rsa2048: DriverAlgorithm.rsa2048,
  rsa3072: DriverAlgorithm.rsa3072,
  rsa4096: DriverAlgorithm.rsa4096,
  rsaPkcs1Sha1: DriverAlgorithm['rsa-pkcs1-sha1'],
  rsaPkcs1Sha256: DriverAlgorithm['rsa-pkcs1-sha256'],
  rsaPkcs1Sha384: DriverAlgorithm['rsa-pkcs1-sha384'],
  rsaPkcs1Sha512: DriverAlgorithm['rsa-pkcs1-sha512'],
  rsaPssSha1: DriverAlgorithm['rsa-pss-sha1'],
  rsaPssSha256: DriverAlgorithm['rsa-pss-sha256'],
  rsaPssSha384: DriverAlgorithm['rsa-pss-sha384'],
  rsaPssSha512: DriverAlgorithm['rsa-pss-sha512'],
  rsaOaepSha1: DriverAlgorithm['rsa-oaep-sha1'],
  rsaOaepSha256: DriverAlgorithm['rsa-oaep-sha256'],
  rsaOaepSha384: DriverAlgorithm['rsa-oaep-sha384'],
  rsaOaepSha512: DriverAlgorithm['rsa-oaep-sha512'],
  rsaPkcs1Decrypt: DriverAlgorithm['rsa-pkcs1-decrypt'],
  mgf1Sha1: DriverAlgorithm['mgf1-sha1'],
  mgf1Sha256: DriverAlgorithm['mgf1-sha256'],
  mgf1Sha384: DriverAlgorithm['mgf1-sha384'],
  mgf1Sha512: DriverAlgorithm['mgf1-sha512'],
  ecdsaSha1: DriverAlgorithm['ecdsa-sha1'],
  ecdsaSha256: DriverAlgorithm['ecdsa-sha256'],
  ecdsaSha384: DriverAlgorithm['ecdsa-sha384'],
  ecdsaSha512: DriverAlgorithm['ecdsa-sha512'],
  ecp224: DriverAlgorithm.ecp224,
  ecp256: DriverAlgorithm.ecp256,
  ecp384: DriverAlgorithm.ecp384,
  ecp521: DriverAlgorithm.ecp521,
  ecbp256: DriverAlgorithm.ecbp256,
  ecbp384: DriverAlgorithm.ecbp384,
  ecbp512: DriverAlgorithm.ecbp512,
  ecdh: DriverAlgorithm.ecdh,
  hmacSha1: DriverAlgorithm['hmac-sha1'],
  hmacSha256: DriverAlgorithm['hmac-sha256'],
  hmacSha384: DriverAlgorithm['hmac-sha384'],
  hmacSha512: DriverAlgorithm['hmac-sha512'],
  aes128: DriverAlgorithm.aes128,
  aes192: DriverAlgorithm.aes192,
  aes256: DriverAlgorithm.aes256,
  aesEcb: DriverAlgorithm['aes-ecb'],
  aesCbc: DriverAlgorithm['aes-cbc'],
  opaqueData: DriverAlgorithm['opaque-data'],
  opaqueX509Certificate: DriverAlgorithm['opaque-x509-certificate'],
  eck256: DriverAlgorithm.eck256,
  ed25519: DriverAlgorithm.ed25519,
  aes128CcmWrap: DriverAlgorithm['aes128-ccm-wrap'],
  aes192CcmWrap: DriverAlgorithm['aes192-ccm-wrap'],
  aes256CcmWrap: DriverAlgorithm['aes256-ccm-wrap'],
  aes128YubicoAuthentication: DriverAlgorithm['aes128-yubico-authentication'],
  ecp256YubicoAuthentication: DriverAlgorithm['ecp256-yubico-authentication'],
  aes128YubicoOtp: DriverAlgorithm['aes128-yubico-otp'],
  aes192YubicoOtp: DriverAlgorithm['aes192-yubico-otp'],
  aes256YubicoOtp: DriverAlgorithm['aes256-yubico-otp'],
} as const;

/** Capability bit numbers (capability n is `1n << n` in the 8-byte big-endian field). */
export const CapabilityBit = {
  getOpaque: DriverCapabilityBit['get-opaque'],
  putOtpAeadKey: DriverCapabilityBit['put-otp-aead-key'],
  generateOtpAeadKey: DriverCapabilityBit['generate-otp-aead-key'],
  createOtpAead: DriverCapabilityBit['create-otp-aead'],
  randomizeOtpAead: DriverCapabilityBit['randomize-otp-aead'],
  decryptOtp: DriverCapabilityBit['decrypt-otp'],
  rewrapFromOtpAeadKey: DriverCapabilityBit['rewrap-from-otp-aead-key'],
  rewrapToOtpAeadKey: DriverCapabilityBit['rewrap-to-otp-aead-key'],
  putOpaque: DriverCapabilityBit['put-opaque'],
  signAttestationCertificate: DriverCapabilityBit['sign-attestation-certificate'],
  deriveEcdh: DriverCapabilityBit['derive-ecdh'],
  wrapData: DriverCapabilityBit['wrap-data'],
  putSymmetricKey: DriverCapabilityBit['put-symmetric-key'],
  generateSymmetricKey: DriverCapabilityBit['generate-symmetric-key'],
  encryptEcb: DriverCapabilityBit['encrypt-ecb'],
  decryptEcb: DriverCapabilityBit['decrypt-ecb'],
  encryptCbc: DriverCapabilityBit['encrypt-cbc'],
  decryptCbc: DriverCapabilityBit['decrypt-cbc'],
  unwrapData: DriverCapabilityBit['unwrap-data'],
  signPkcs: DriverCapabilityBit['sign-pkcs'],
  signPss: DriverCapabilityBit['sign-pss'],
  decryptPkcs: DriverCapabilityBit['decrypt-pkcs'],
  decryptOaep: DriverCapabilityBit['decrypt-oaep'],
  putHmacKey: DriverCapabilityBit['put-mac-key'],
  generateHmacKey: DriverCapabilityBit['generate-hmac-key'],
  signHmac: DriverCapabilityBit['sign-hmac'],
  verifyHmac: DriverCapabilityBit['verify-hmac'],
  changeAuthenticationKey: DriverCapabilityBit['change-authentication-key'],
  putAuthenticationKey: DriverCapabilityBit['put-authentication-key'],
  putAsymmetricKey: DriverCapabilityBit['put-asymmetric-key'],
  generateAsymmetricKey: DriverCapabilityBit['generate-asymmetric-key'],
  signEcdsa: DriverCapabilityBit['sign-ecdsa'],
  signEddsa: DriverCapabilityBit['sign-eddsa'],
  exportWrapped: DriverCapabilityBit['export-wrapped'],
  importWrapped: DriverCapabilityBit['import-wrapped'],
  putWrapKey: DriverCapabilityBit['put-wrap-key'],
  generateWrapKey: DriverCapabilityBit['generate-wrap-key'],
  exportableUnderWrap: DriverCapabilityBit['exportable-under-wrap'],
  setOption: DriverCapabilityBit['set-option'],
  getOption: DriverCapabilityBit['get-option'],
  getPseudoRandom: DriverCapabilityBit['get-pseudo-random'],
  getLogEntries: DriverCapabilityBit['get-log-entries'],
  resetDevice: DriverCapabilityBit['reset-device'],
  deleteOpaque: DriverCapabilityBit['delete-opaque'],
  deleteAuthenticationKey: DriverCapabilityBit['delete-authentication-key'],
  deleteAsymmetricKey: DriverCapabilityBit['delete-asymmetric-key'],
  deleteWrapKey: DriverCapabilityBit['delete-wrap-key'],
  deleteHmacKey: DriverCapabilityBit['delete-hmac-key'],
  deleteTemplate: DriverCapabilityBit['delete-template'],
  deleteOtpAeadKey: DriverCapabilityBit['delete-otp-aead-key'],
  deleteSymmetricKey: DriverCapabilityBit['delete-symmetric-key'],
  deletePublicWrapKey: DriverCapabilityBit['delete-public-wrap-key'],
} as const;

/** Every defined capability bit (0–0x37). */
export const ALL_CAPABILITIES = ALL_CAPABILITIES_MASK;

export function capability(bit: number): bigint {
  return 1n << BigInt(bit);
}

export const DeviceError = {
  ok: DeviceErrorCode.OK,
  invalidCommand: DeviceErrorCode.INVALID_COMMAND,
  invalidData: DeviceErrorCode.INVALID_DATA,
  invalidSession: DeviceErrorCode.INVALID_SESSION,
  authenticationFailed: DeviceErrorCode.AUTHENTICATION_FAILED,
  sessionsFull: DeviceErrorCode.SESSIONS_FULL,
  sessionFailed: DeviceErrorCode.SESSION_FAILED,
  storageFailed: DeviceErrorCode.STORAGE_FAILED,
  wrongLength: DeviceErrorCode.WRONG_LENGTH,
  insufficientPermissions: DeviceErrorCode.INSUFFICIENT_PERMISSIONS,
  logFull: DeviceErrorCode.LOG_FULL,
  objectNotFound: DeviceErrorCode.OBJECT_NOT_FOUND,
  invalidId: DeviceErrorCode.INVALID_ID,
  invalidOtp: DeviceErrorCode.INVALID_OTP,
  objectExists: DeviceErrorCode.OBJECT_EXISTS,
  algorithmDisabled: DeviceErrorCode.ALGORITHM_DISABLED,
  commandUnexecuted: DeviceErrorCode.COMMAND_UNEXECUTED,
} as const;

export const DeviceOption = {
  forceAudit: DriverDeviceOption['force-audit'],
  commandAudit: DriverDeviceOption['command-audit'],
  algorithmToggle: DriverDeviceOption['algorithm-toggle'],
  fipsMode: DriverDeviceOption['fips-mode'],
} as const;

export const Origin = DriverOrigin;

export { LABEL_LENGTH } from '@openkms/yubihsm';
export const MAX_SESSIONS = DRIVER_MAX_SESSIONS;
export const MAX_OBJECTS = DRIVER_MAX_OBJECTS;
export const LOG_CAPACITY = LOG_ENTRY_CAPACITY;
/** Largest frame (header included) accepted on firmware ≥ 2.4. */
export const MAX_FRAME_LENGTH = MAX_FRAME_SIZE;
export const SESSION_IDLE_TIMEOUT_MS = DRIVER_SESSION_IDLE_TIMEOUT_MS;
