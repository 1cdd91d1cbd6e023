/**
 * Internal control flow: a command handler throws `DeviceFailure(code)` and the device turns it into an error
 * frame (`7f 0001 code`), inside or outside the session envelope as appropriate. Never leaves the package.
 */
export class DeviceFailure extends Error {
  readonly code: number;

  constructor(code: number, message?: string) {
    super(message ?? `device error 0x${code.toString(16).padStart(2, '0')}`);
    this.name = 'DeviceFailure';
    this.code = code;
  }
}

export function fail(code: number, message?: string): never {
  throw new DeviceFailure(code, message);
}
