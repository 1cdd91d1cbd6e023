import { namesByCode } from './code-table.js';
/** Command codes (first byte of a frame). A response carries `code | 0x80`; an error response is 0x7f. */
export const CommandCode = {
  echo: 0x01,
  createSession: 0x03,
  authenticateSession: 0x04,
  sessionMessage: 0x05,
  deviceInfo: 0x06,
  resetDevice: 0x08,
  getDevicePublicKey: 0x0a,
  closeSession: 0x40,
  getStorageInfo: 0x41,
  putOpaque: 0x42,
  getOpaque: 0x43,
  putAuthenticationKey: 0x44,
  putAsymmetricKey: 0x45,
  generateAsymmetricKey: 0x46,
  signPkcs1: 0x47,
  listObjects: 0x48,
  decryptPkcs1: 0x49,
  exportWrapped: 0x4a,
  importWrapped: 0x4b,
  putWrapKey: 0x4c,
  getLogEntries: 0x4d,
  getObjectInfo: 0x4e,
  setOption: 0x4f,
  getOption: 0x50,
  getPseudoRandom: 0x51,
  putHmacKey: 0x52,
  signHmac: 0x53,
  getPublicKey: 0x54,
  signPss: 0x55,
  signEcdsa: 0x56,
  deriveEcdh: 0x57,
  deleteObject: 0x58,
  decryptOaep: 0x59,
  generateHmacKey: 0x5a,
  generateWrapKey: 0x5b,
  verifyHmac: 0x5c,
  signSshCertificate: 0x5d,
  putTemplate: 0x5e,
  getTemplate: 0x5f,
  decryptOtp: 0x60,
  createOtpAead: 0x61,
  randomizeOtpAead: 0x62,
  rewrapOtpAead: 0x63,
  signAttestationCertificate: 0x64,
  putOtpAeadKey: 0x65,
  generateOtpAeadKey: 0x66,
  setLogIndex: 0x67,
  wrapData: 0x68,
  unwrapData: 0x69,
  signEddsa: 0x6a,
  blinkDevice: 0x6b,
  changeAuthenticationKey: 0x6c,
  putSymmetricKey: 0x6d,
  generateSymmetricKey: 0x6e,
  decryptEcb: 0x6f,
  encryptEcb: 0x70,
  decryptCbc: 0x71,
  encryptCbc: 0x72,
  putPublicWrapKey: 0x73,
  getRsaWrappedKey: 0x74,
  putRsaWrappedKey: 0x75,
  exportRsaWrapped: 0x76,
  importRsaWrapped: 0x77,
  error: 0x7f,
} as const;

export type CommandName = keyof typeof CommandCode;

/** Code → camelCase name (for logs and metrics). */
export const COMMAND_NAMES: Readonly<Record<number, CommandName>> = namesByCode(CommandCode);

export function commandName(code: number): string {
  return COMMAND_NAMES[code] ?? `cmd_0x${code.toString(16).padStart(2, '0')}`;
}

/** Response code for a command. */
export function responseCode(cmd: number): number {
  return (cmd | 0x80) & 0xff;
}

/** Commands the device accepts outside a session (everything else must be inside SessionMessage). */
export const CLEAR_COMMANDS: ReadonlySet<number> = new Set([
  CommandCode.echo,
  CommandCode.createSession,
  CommandCode.authenticateSession,
  CommandCode.sessionMessage,
  CommandCode.deviceInfo,
  CommandCode.getDevicePublicKey,
]);
