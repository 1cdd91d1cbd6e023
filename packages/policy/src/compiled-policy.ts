import { compileAllowedContracts, type CompiledContracts } from './allowed-contracts.js';
import type { KeyPolicy } from './key-policy.js';
import { computePolicyVersion } from './policy-version.js';

export interface CompiledMessage {
  readonly typeUrl: string;
  readonly recipients?: ReadonlySet<string>;
  readonly contracts?: ReadonlySet<string>;
  readonly methods?: ReadonlySet<string>;
  /** IBC source channels transfers through this message type may use. */
  readonly channels?: ReadonlySet<string>;
  /** Asset id → cap per transaction on transfers through this message type. */
  readonly caps: ReadonlyMap<string, bigint>;
}

/** Per-program instruction rules (`allowed_programs[].instructions`, `.allow_unknown_instructions`). */
export interface CompiledProgramRules {
  readonly instructions?: ReadonlySet<string>;
  readonly allowUnknown: boolean;
}

export interface CompiledRecipients {
  readonly index: number;
  readonly program?: string;
  readonly asset?: string;
  readonly addresses: ReadonlySet<string>;
}

/** A normalised policy turned into lookup structures, with its version hash. Internal to the engine. */
export interface CompiledPolicy {
  readonly policy: KeyPolicy;
  readonly version: string;
  readonly perTxCaps: ReadonlyMap<string, bigint>;
  readonly windowCaps: ReadonlyMap<string, bigint>;
  readonly feeCaps: ReadonlyMap<string, bigint>;
  readonly programs: ReadonlySet<string>;
  readonly programRules: ReadonlyMap<string, CompiledProgramRules>;
  readonly messages: ReadonlyMap<string, CompiledMessage>;
  readonly recipients: readonly CompiledRecipients[];
  /** `allowed_contracts`: contract address (lower case) → allowed methods. */
  readonly contracts: CompiledContracts;
}

export function compilePolicy(policy: KeyPolicy): CompiledPolicy {
  const caps = (m: Readonly<Record<string, string>>) => new Map(Object.entries(m).map(([k, v]) => [k, BigInt(v)]));
  return {
    policy,
    version: computePolicyVersion(policy),
    perTxCaps: caps(policy.per_tx_caps),
    windowCaps: caps(policy.window_caps),
    feeCaps: caps(policy.fee_caps),
    programs: new Set(policy.allowed_programs.map((p) => p.id)),
    programRules: compileProgramRules(policy),
    messages: new Map(
      policy.allowed_messages.map((m) => [
        m.type_url,
        {
          typeUrl: m.type_url,
          ...(m.allowed_recipients === undefined ? {} : { recipients: new Set(m.allowed_recipients) }),
          ...(m.allowed_contracts === undefined ? {} : { contracts: new Set(m.allowed_contracts) }),
          ...(m.allowed_methods === undefined ? {} : { methods: new Set(m.allowed_methods) }),
          ...(m.allowed_channels === undefined ? {} : { channels: new Set(m.allowed_channels) }),
          caps: new Map(Object.entries(m.per_tx_cap ?? {}).map(([asset, v]) => [asset, BigInt(v)])),
        },
      ]),
    ),
    recipients: policy.allowed_recipients.map((r, index) => ({
      index,
      ...(r.program === undefined ? {} : { program: r.program }),
      ...(r.asset === undefined ? {} : { asset: r.asset }),
      addresses: new Set(r.addresses),
    })),
    contracts: compileAllowedContracts(policy.allowed_contracts),
  };
}

function compileProgramRules(policy: KeyPolicy): ReadonlyMap<string, CompiledProgramRules> {
  return new Map(
    policy.allowed_programs.map((p) => [
      p.id,
      { ...(p.instructions === undefined ? {} : { instructions: new Set(p.instructions) }), allowUnknown: p.allow_unknown_instructions === true },
    ]),
  );
}
