import { ATOM, EVM, SOL, SYSTEM_PROGRAM } from './chain-requests.js';
import { pipe, withPolicy } from './demo-signer.js';

export interface CapsUnderTest {
  /** Solana and EVM: signatures per day (the count caps). */
  readonly solSignsPerDay: number;
  readonly evmSignsPerDay: number;
  /** Cosmos: the window cap in uatom (the spend cap; fees count). */
  readonly uatomWindow: bigint;
  /** Solana transfers above this many lamports wait for an approval (approver alice, quorum 1). */
  readonly solApprovalAbove?: bigint;
}

/**
 * The demo config with the caps the crash and fleet cases put under test, sized by each case to be reached during its
 * run: one count cap each for Solana and EVM, one spend cap for Cosmos; every other limit out of the way.
 */
export function capsUnderTest(c: CapsUnderTest): (toml: string) => string {
  const approval =
    c.solApprovalAbove === undefined
      ? ''
      : `approval = { above = { native = "${c.solApprovalAbove}" }, approvers = ["alice"], quorum = 1, ttl_secs = 86400 }\n`;
  return pipe(
    withPolicy(
      SOL,
      `
enabled = true
max_signs_per_minute = 1000000
max_signs_per_day = ${c.solSignsPerDay}
per_tx_caps = { native = "5000000000" }
window_caps = { native = "100000000000" }
allowed_programs = [{ id = "${SYSTEM_PROGRAM}" }]
${approval}`,
    ),
    withPolicy(
      ATOM,
      `
enabled = true
max_signs_per_minute = 1000000
max_signs_per_day = 1000000
per_tx_caps = { "denom:uatom" = "10000000" }
window_caps = { "denom:uatom" = "${c.uatomWindow}" }
fee_caps = { "denom:uatom" = "50000" }
allowed_messages = [{ type_url = "/cosmos.bank.v1beta1.MsgSend" }]
`,
    ),
    withPolicy(
      EVM,
      `
enabled = true
max_signs_per_minute = 1000000
max_signs_per_day = ${c.evmSignsPerDay}
per_tx_caps = { native = "1000000000000000000" }
window_caps = { native = "10000000000000000000000" }
fee_caps = { native = "10000000000000000" }
allowed_programs = [{ id = "native" }]
`,
    ),
  );
}
