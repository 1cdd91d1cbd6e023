/** Object origin bits (GetObjectInfo). */
export const Origin = {
  generated: 0x01,
  imported: 0x02,
  /** OR-ed with the original origin for objects that came in through ImportWrapped. */
  importedWrapped: 0x10,
} as const;

export interface OriginInfo {
  readonly generated: boolean;
  readonly imported: boolean;
  readonly wrapped: boolean;
}

export function describeOrigin(origin: number): OriginInfo {
  return {
    generated: (origin & Origin.generated) !== 0,
    imported: (origin & Origin.imported) !== 0,
    wrapped: (origin & Origin.importedWrapped) !== 0,
  };
}
