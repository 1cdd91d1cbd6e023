import { CommandCode } from '../../protocol/command-code.js';
import { EMPTY, expectEmpty, type CommandSpec } from '../command-spec.js';
import { decodeObjectRef, encodeObjectRef, type ObjectRef } from './get-object-info.js';

/** DeleteObject (0x58): id(2) ‖ type(1). Needs the type's delete-* capability. */
export const DeleteObject: CommandSpec<ObjectRef, void, { id: number; type: number }> = {
  code: CommandCode.deleteObject,
  name: 'deleteObject',
  idempotent: false,
  encodeRequest: encodeObjectRef,
  decodeRequest: (p) => decodeObjectRef(p, 'deleteObject request'),
  encodeResponse: () => EMPTY,
  decodeResponse: (p) => expectEmpty(p, 'deleteObject response'),
};
