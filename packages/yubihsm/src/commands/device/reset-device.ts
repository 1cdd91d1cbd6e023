import { CommandCode } from '../../protocol/command-code.js';
import { emptyCommand } from '../command-spec.js';

/** ResetDevice (0x08): erases every object and restores the default auth key; the device reboots. Needs reset-device. */
export const ResetDevice = emptyCommand(CommandCode.resetDevice, 'resetDevice', false);
