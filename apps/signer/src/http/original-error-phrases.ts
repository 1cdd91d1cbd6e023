import { ErrorCode } from '@openkms/core';

/**
 * The original Rust openKMS's clients and tests match substrings of its error text ("not among the first N required
 * signers", "packet limit", "pubkey", "chain_id"). Our messages keep their own wording and codes; this adds the
 * original's phrase where a message lacks it, so such a client still recognises the refusal.
 */
export function withOriginalPhrase(code: string, message: string, context: Readonly<Record<string, unknown>>): string {
  switch (code) {
    case ErrorCode.signerMismatch: {
      const required = context.required_signers;
      if (Array.isArray(required) && !message.includes('not among the first'))
        return `${message} (the key's pubkey is not among the first ${required.length} required signers)`;
      if (!message.includes('pubkey')) return `${message} (the AuthInfo pubkey does not match the key)`;
      return message;
    }
    case ErrorCode.decodeFailed:
      if (typeof context.max === 'number' && typeof context.length === 'number' && context.length > context.max && !message.includes('packet limit'))
        return `${message}: ${context.length} bytes exceeds the Solana packet limit of ${context.max}`;
      return message;
    case ErrorCode.chainIdMismatch:
      return message.includes('chain_id') ? message : `${message} (chain_id mismatch)`;
    default:
      return message;
  }
}
