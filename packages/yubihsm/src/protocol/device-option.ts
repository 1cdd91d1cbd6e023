/** Device options for GetOption / SetOption. */
export const DeviceOption = {
  'force-audit': 1,
  'command-audit': 3,
  'algorithm-toggle': 4,
  'fips-mode': 5,
} as const;

export type DeviceOptionName = keyof typeof DeviceOption;

/** Audit option values. */
export const AuditSetting = { off: 0, on: 1, fixed: 2 } as const;

export function deviceOptionCode(option: DeviceOptionName | number): number {
  return typeof option === 'number' ? option : DeviceOption[option];
}
