/** Object ids the demo provisions in the simulated YubiHSM2 (the original openKMS layout: 3 = signer auth key). */
export const DEMO_LAYOUT = {
  signerAuthKeyId: 3,
  wrapKeyId: 4,
  solanaKeyId: 0x0064,
  cosmosKeyId: 0x0065,
  signingDomain: 1,
} as const;

export const SYSTEM_PROGRAM = '11111111111111111111111111111111';

/** The demo's config.toml: two keys with policies in the spirit of the project's examples. */
export function demoConfigToml(listen: string): string {
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
# 'openkms demo' replaces this with its embedded simulator's address on every start.
connectors = ["http://127.0.0.1:12345"]
auth_key_id = ${DEMO_LAYOUT.signerAuthKeyId}
password_file = "hsm.password"
allow_simulated = true

[keys.solana-hot-0]
chain = "solana"
key_id = "0x${DEMO_LAYOUT.solanaKeyId.toString(16).padStart(4, '0')}"

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
`;
}
