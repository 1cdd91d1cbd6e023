import { CEREMONY_LAYOUT, cosmosDerivationPath, solanaDerivationPath } from '@openkms/yubihsm';

/**
 * What the demo provisions in the simulated YubiHSM2: the ceremony layout of the original openKMS (auth keys 1
 * ceremony, 2 provisioner, 3 signer; wrap key 1) derived from the demo's own random mnemonic, and two signing keys
 * derived at the layout's paths, at the object ids of the original's example config.
 */
export const DEMO_LAYOUT = {
  signerAuthKeyId: CEREMONY_LAYOUT.signer.id,
  wrapKeyId: CEREMONY_LAYOUT.wrap.id,
  cosmosKeyId: 0x0100,
  cosmosPath: cosmosDerivationPath(0),
  solanaKeyId: 0x0101,
  solanaPath: solanaDerivationPath(0),
  evmKeyId: 0x0102,
  /** The Ethereum account path (BIP-44 coin type 60), first account. */
  evmPath: "m/44'/60'/0'/0/0",
  /** anvil's (and hardhat's) default chain id: the demo's EVM key signs for a local development node. */
  evmChainId: 31337,
  signingDomain: CEREMONY_LAYOUT.signingDomain,
} as const;

/** The line of config.toml the demo rewrites on every start: where its simulated device is (see connectorLine). */
export const CONNECTOR_LINE = /^(# connectors: .*|connectors = .*)$/m;

/** `connectors = [url]` when the simulator listens (--sim-listen), else a comment saying it runs in-process. */
export function connectorLine(url: string | undefined): string {
  return url === undefined
    ? `# connectors: none — 'openkms demo' runs the simulated device inside its own process (no port; --sim-listen exposes it)`
    : `connectors = ["${url}"]`;
}

/** Where the demo's `local` EVM network expects its node unless --evm-upstream says otherwise (anvil's default). */
export const DEFAULT_EVM_UPSTREAM = 'http://127.0.0.1:8545';

/** The comment and line of config.toml that `openkms demo --evm-upstream URL` rewrites (the `local` network's node). */
const EVM_UPSTREAM_COMMENT = "# 'openkms demo --evm-upstream URL' rewrites the next line";
export const EVM_UPSTREAM_LINE = /^(# 'openkms demo --evm-upstream URL' rewrites the next line.*\nupstream = )"[^"\n]*"$/m;

/** config.toml with the `local` network's upstream set to `url`. */
export function withEvmUpstream(toml: string, url: string): string {
  return toml.replace(EVM_UPSTREAM_LINE, (_m, head: string) => `${head}${JSON.stringify(url)}`);
}

export const SYSTEM_PROGRAM = '11111111111111111111111111111111';

/** The demo's config.toml: three keys with policies in the spirit of the project's examples, and a local EVM network. */
export function demoConfigToml(listen: string, connectorUrl?: string, evmUpstream: string = DEFAULT_EVM_UPSTREAM): string {
  return `# openKMS demo configuration, written by 'openkms demo'. Edit it and POST /admin/reload (or restart).
# The demo points the YubiHSM2 driver at an embedded SIMULATED device (never for real funds).

[server]
listen = "${listen}"

[logging]
level = "info"

[auth]
token_file = "tokens.json"

[audit]
dir = "audit"
key_file = "audit.key"

[state]
file = "state.json"

[backend]
kind = "yubihsm"

[backend.yubihsm]
# 'openkms demo' rewrites the next line on every start with where its simulated device is.
${connectorLine(connectorUrl)}
auth_key_id = ${DEMO_LAYOUT.signerAuthKeyId}
# the signer auth key's password, derived from mnemonic.txt like the original openKMS's ceremony (32 raw bytes, hex)
password_file = "hsm.password"
password_encoding = "hex"
allow_simulated = true

[keys.solana-hot-0]
chain = "solana"
key_id = "0x${DEMO_LAYOUT.solanaKeyId.toString(16).padStart(4, '0')}"
derivation_path = "${DEMO_LAYOUT.solanaPath}"

[keys.solana-hot-0.options]
# the cluster this key signs for: a request naming another (expected_chain_id) gets chain_id_mismatch
cluster = "mainnet-beta"

[keys.solana-hot-0.policy]
enabled = true
max_signs_per_minute = 30
max_signs_per_day = 5000
per_tx_cap_lamports = "5000000000"
daily_cap_lamports = "20000000000"
allowed_programs = [{ id = "${SYSTEM_PROGRAM}", comment = "System program" }]

[keys.cosmos-hub-0]
chain = "cosmos"
key_id = "0x${DEMO_LAYOUT.cosmosKeyId.toString(16).padStart(4, '0')}"
derivation_path = "${DEMO_LAYOUT.cosmosPath}"

[keys.cosmos-hub-0.options]
bech32_prefix = "cosmos"
# the chain this key signs for: a sign doc for another chain id gets chain_id_mismatch
chain_id = "cosmoshub-4"

[keys.cosmos-hub-0.policy]
enabled = true
max_signs_per_minute = 30
max_signs_per_day = 5000
per_tx_caps = { "denom:uatom" = "10000000" }
window_caps = { "denom:uatom" = "100000000" }
fee_caps = { "denom:uatom" = "50000" }
allowed_messages = [{ type_url = "/cosmos.bank.v1beta1.MsgSend" }]

[keys.evm-hot-0]
chain = "evm"
key_id = "0x${DEMO_LAYOUT.evmKeyId.toString(16).padStart(4, '0')}"
derivation_path = "${DEMO_LAYOUT.evmPath}"

[keys.evm-hot-0.options]
# the chain this key signs for (anvil's default): a transaction for another chain id gets chain_id_mismatch
chain_id = ${DEMO_LAYOUT.evmChainId}

[keys.evm-hot-0.policy]
enabled = true
max_signs_per_minute = 60
max_signs_per_day = 5000
per_tx_caps = { native = "1000000000000000000" }
window_caps = { native = "10000000000000000000" }
fee_caps = { native = "10000000000000000" }
allowed_programs = [{ id = "native", comment = "plain ETH transfers" }]

# Ethereum JSON-RPC for evm-hot-0: POST /rpc/evm/local (eth_accounts, eth_sendTransaction, ...; reads go to the node)
[networks.local]
chain = "evm"
chain_id = ${DEMO_LAYOUT.evmChainId}
${EVM_UPSTREAM_COMMENT} (default ${DEFAULT_EVM_UPSTREAM})
upstream = ${JSON.stringify(evmUpstream)}
upstream_timeout_ms = 3000
`;
}
