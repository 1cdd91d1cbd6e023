import { openKmsError } from '@openkms/core';

/** Object id → KeyRef id: "0x" + 4 lowercase hex digits. */
export function formatKeyId(id: number): string {
  return '0x' + id.toString(16).padStart(4, '0');
}

/** KeyRef id ("0x0064", case-insensitive hex) → object id 1–0xfffe; anything else is key_not_found. */
export function parseKeyId(keyId: string): number {
  const m = /^0x([0-9a-fA-F]{4})$/.exec(keyId);
  const id = m ? parseInt(m[1]!, 16) : NaN;
  if (!Number.isInteger(id) || id < 1 || id > 0xfffe)
    throw openKmsError('key_not_found', 'key id must be "0x" followed by 4 hex digits (0x0001–0xfffe)', { key_id: keyId.slice(0, 16) });
  return id;
}
