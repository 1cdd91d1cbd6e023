import type { CompiledMessage } from './compiled-policy.js';
import type { RuleVerdict } from './decision.js';

/** The transfer facts this rule reads. */
export interface ChannelTransferFact {
  readonly index: number;
  readonly asset: string;
  readonly amount: bigint;
  readonly to: string;
  readonly via: string;
  /** IBC source channel, when the transfer leaves through one. */
  readonly channel?: string;
}

/**
 * `allowed_messages[].allowed_channels`: when set for a message type (IBC MsgTransfer), every transfer through that
 * type must leave through one of the listed source channels. A transfer without a channel then fails closed.
 */
export function allowedChannels(messages: ReadonlyMap<string, CompiledMessage>, transfers: readonly ChannelTransferFact[]): RuleVerdict {
  const violations: string[] = [];
  let checked = 0;
  for (const t of transfers) {
    const channels = messages.get(t.via)?.channels;
    if (channels === undefined) continue;
    checked++;
    const what = `transfer #${t.index} of ${t.amount} ${t.asset} via ${t.via} to ${t.to}`;
    if (t.channel === undefined) violations.push(`channel not allowed: ${what} names no channel but allowed_messages[${t.via}].allowed_channels is set`);
    else if (!channels.has(t.channel))
      violations.push(`channel not allowed: ${what} leaves through ${t.channel}, not in allowed_messages[${t.via}].allowed_channels`);
  }
  if (violations.length === 0) {
    return { rule: 'allowed_channels', ok: true, message: checked === 0 ? 'no channel-restricted transfers' : 'all channels are allowed' };
  }
  return { rule: 'allowed_channels', ok: false, code: 'channel_not_allowed', kind: 'forbidden', message: violations[0]!, detail: { violations } };
}
