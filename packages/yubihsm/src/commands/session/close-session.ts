import { CommandCode } from '../../protocol/command-code.js';
import { emptyCommand } from '../command-spec.js';

/** CloseSession (0x40): frees the session slot after the reply. */
export const CloseSession = emptyCommand(CommandCode.closeSession, 'closeSession', false);
