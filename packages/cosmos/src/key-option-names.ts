/**
 * The per-key options (`[keys.<label>.options]`) the Cosmos plugin reads, with their types, so the per-key options
 * JSON Schema can be written from one list. Read defensively: a key's options come from config as plain JSON.
 */
export const COSMOS_KEY_OPTIONS = [
  {
    name: 'chain_id',
    type: 'string',
    required: true,
    description: "The chain this key signs for: the sign doc's chain_id and the request's expected_chain_id must equal it.",
  },
  { name: 'bech32_prefix', type: 'string', required: false, description: 'Bech32 address prefix (default: the plugin option, else "cosmos").' },
  {
    name: 'pubkey_type',
    type: 'string',
    required: false,
    enum: ['/cosmos.crypto.secp256k1.PubKey', '/ethermint.crypto.v1.ethsecp256k1.PubKey', '/injective.crypto.v1beta1.ethsecp256k1.PubKey'],
    description: 'Public-key type of the key (default /cosmos.crypto.secp256k1.PubKey); Ethermint-style types use keccak addresses and digests.',
  },
] as const;

/** The plugin options (`[plugins.cosmos]`) the Cosmos plugin reads. */
export const COSMOS_PLUGIN_OPTIONS = [
  { name: 'bech32_prefix', type: 'string', description: 'Default bech32 prefix for keys without their own.' },
  {
    name: 'accepted_pubkey_type_urls',
    type: 'string[]',
    description: 'Public-key types keys may be configured with (default: all three, as the original openKMS).',
  },
] as const;
