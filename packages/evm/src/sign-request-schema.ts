import type { JsonSchema } from '@openkms/core';

/** Longest accepted hex payload (`tx_hex`, `data`, `message_hex`): 2 × 128 KiB + `0x`. */
export const MAX_HEX_LENGTH = 262_146;
/** Most entries in an access list, an authorization list or a typed-data array. */
export const MAX_LIST_ITEMS = 256;

/** An unsigned integer: decimal string, 0x hex string or JSON integer. */
export type EvmQuantity = string | number;

/** An unsigned transaction as JSON fields (names as in eth_signTransaction; quantities decimal or 0x hex). */
export interface EvmTransactionJson {
  readonly type?: string;
  readonly chainId?: EvmQuantity;
  readonly nonce?: EvmQuantity;
  /** Absent or null: contract creation (denied unless `allowed_flags` lists `contract_creation`). */
  readonly to?: string | null;
  readonly value?: EvmQuantity;
  readonly data?: string;
  /** Alias of `data` (eth_sendTransaction's name). */
  readonly input?: string;
  readonly gas?: EvmQuantity;
  readonly gasPrice?: EvmQuantity;
  readonly maxFeePerGas?: EvmQuantity;
  readonly maxPriorityFeePerGas?: EvmQuantity;
  readonly accessList?: readonly { readonly address: string; readonly storageKeys: readonly string[] }[];
  readonly maxFeePerBlobGas?: EvmQuantity;
  readonly blobVersionedHashes?: readonly string[];
  readonly authorizationList?: readonly EvmSignedAuthorizationJson[];
}

export interface EvmAuthorizationJson {
  readonly chainId: EvmQuantity;
  /** The contract the account delegates to. */
  readonly address: string;
  readonly nonce: EvmQuantity;
}

export interface EvmSignedAuthorizationJson extends EvmAuthorizationJson {
  readonly r: string;
  readonly s: string;
  readonly yParity: EvmQuantity;
}

/** EIP-712 typed data as eth_signTypedData_v4 takes it. */
export interface EvmTypedDataJson {
  readonly domain: Readonly<Record<string, unknown>>;
  readonly types: Readonly<Record<string, readonly { readonly name: string; readonly type: string }[]>>;
  readonly primaryType: string;
  readonly message: Readonly<Record<string, unknown>>;
}

/** Body of POST /sign/evm: exactly one of `tx`, `tx_hex`, `typed_data`, `message`, `message_hex`, `authorization`. */
export interface EvmSignRequest {
  readonly label: string;
  /** Required for transactions, typed data and authorizations; must equal their chain id and the key's `chain_id`. */
  readonly expected_chain_id?: EvmQuantity;
  readonly tx?: EvmTransactionJson;
  /** A serialized unsigned legacy (EIP-155), EIP-2930, EIP-1559, EIP-4844 or EIP-7702 transaction, 0x hex. */
  readonly tx_hex?: string;
  readonly typed_data?: EvmTypedDataJson;
  /** EIP-191 personal message, UTF-8 text. */
  readonly message?: string;
  /** EIP-191 personal message, raw bytes as 0x hex. */
  readonly message_hex?: string;
  /** An EIP-7702 authorization to sign (denied unless `allowed_flags` lists `delegation_authorization`). */
  readonly authorization?: EvmAuthorizationJson;
}

/** 200 response of POST /sign/evm. */
export type EvmSignResponse = {
  /** EIP-55 address of the signing key. */
  readonly signer_address: string;
  /** What was signed: `transaction`, `typed_data`, `personal_message` or `authorization`. */
  readonly kind: 'transaction' | 'typed_data' | 'personal_message' | 'authorization';
  /** keccak256 digest that was signed, 0x hex. */
  readonly digest: string;
  readonly r: string;
  readonly s: string;
  readonly y_parity: 0 | 1;
  /** Transactions: the v of the signed transaction (legacy: EIP-155 `chainId × 2 + 35 + y_parity`; typed: y_parity). Otherwise 27 + y_parity. 0x hex. */
  readonly v: string;
  /** 65 bytes r ‖ s ‖ (27 + y_parity), 0x hex. */
  readonly signature: string;
  /** Transactions only: the signed raw transaction, ready for eth_sendRawTransaction. */
  readonly raw_transaction?: string;
  /** Transactions only: keccak256 of raw_transaction. */
  readonly tx_hash?: string;
};

const hex = (maxLength = MAX_HEX_LENGTH): JsonSchema => ({ type: 'string', pattern: '^0x([0-9a-fA-F]{2})*$', maxLength });
const address: JsonSchema = {
  type: 'string',
  pattern: '^0x[0-9a-fA-F]{40}$',
  description: 'Address, 0x + 40 hex digits (mixed case must be a valid EIP-55 checksum).',
};
const bytes32: JsonSchema = { type: 'string', pattern: '^0x[0-9a-fA-F]{64}$' };
const quantity: JsonSchema = {
  anyOf: [
    { type: 'string', pattern: '^(0|[1-9][0-9]{0,77}|0x[0-9a-fA-F]{1,64})$' },
    { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  ],
  description: 'Unsigned integer: decimal string, 0x hex string or JSON integer.',
};
const label: JsonSchema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$', description: 'Label of the configured key.' };

const authorization: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['chainId', 'address', 'nonce'],
  properties: { chainId: quantity, address, nonce: quantity },
};

const signedAuthorization: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['chainId', 'address', 'nonce', 'r', 's', 'yParity'],
  properties: { chainId: quantity, address, nonce: quantity, r: hex(66), s: hex(66), yParity: quantity },
};

const transaction: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Unsigned transaction as JSON fields. `type` defaults from the fee fields; `chainId` defaults to expected_chain_id.',
  properties: {
    type: { type: 'string', enum: ['legacy', 'eip2930', 'eip1559', 'eip4844', 'eip7702', '0x0', '0x1', '0x2', '0x3', '0x4'] },
    chainId: quantity,
    nonce: quantity,
    to: { anyOf: [address, { type: 'null' }], description: 'Absent or null: contract creation.' },
    value: quantity,
    data: hex(),
    input: hex(),
    gas: quantity,
    gasPrice: quantity,
    maxFeePerGas: quantity,
    maxPriorityFeePerGas: quantity,
    accessList: {
      type: 'array',
      maxItems: MAX_LIST_ITEMS,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['address', 'storageKeys'],
        properties: { address, storageKeys: { type: 'array', maxItems: MAX_LIST_ITEMS, items: bytes32 } },
      },
    },
    maxFeePerBlobGas: quantity,
    blobVersionedHashes: { type: 'array', maxItems: 16, items: bytes32 },
    authorizationList: { type: 'array', maxItems: MAX_LIST_ITEMS, items: signedAuthorization },
  },
};

const typedData: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['domain', 'types', 'primaryType', 'message'],
  description: 'EIP-712 typed data as eth_signTypedData_v4 takes it.',
  properties: {
    domain: { type: 'object' },
    types: {
      type: 'object',
      maxProperties: 64,
      additionalProperties: {
        type: 'array',
        maxItems: 64,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'type'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 128 }, type: { type: 'string', minLength: 1, maxLength: 256 } },
        },
      },
    },
    primaryType: { type: 'string', minLength: 1, maxLength: 128 },
    message: { type: 'object' },
  },
};

const variant = (field: string, schema: JsonSchema, needsChain: boolean): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required: needsChain ? ['label', 'expected_chain_id', field] : ['label', field],
  properties: {
    label,
    expected_chain_id: {
      ...quantity,
      description: needsChain
        ? 'Must equal the chain id of what is signed and the key’s configured chain_id.'
        : 'Optional for messages; when given, must equal the key’s configured chain_id.',
    },
    [field]: schema,
  },
});

export const evmSignRequestSchema: JsonSchema = {
  title: 'EvmSignRequest',
  type: 'object',
  required: ['label'],
  properties: { label },
  description:
    'One of: a transaction (`tx` JSON fields or `tx_hex`), EIP-712 `typed_data`, an EIP-191 personal message (`message` text or `message_hex`), or an EIP-7702 `authorization`.',
  oneOf: [
    variant('tx', transaction, true),
    variant(
      'tx_hex',
      { ...hex(), minLength: 4, description: 'Serialized unsigned transaction (legacy EIP-155, EIP-2930, EIP-1559, EIP-4844, EIP-7702), 0x hex.' },
      true,
    ),
    variant('typed_data', typedData, true),
    variant('message', { type: 'string', maxLength: 65_536, description: 'EIP-191 personal message (UTF-8 text).' }, false),
    variant('message_hex', { ...hex(131_074), description: 'EIP-191 personal message (raw bytes, 0x hex).' }, false),
    variant('authorization', authorization, true),
  ],
};

export const evmSignResponseSchema: JsonSchema = {
  title: 'EvmSignResponse',
  type: 'object',
  additionalProperties: false,
  required: ['signer_address', 'kind', 'digest', 'r', 's', 'y_parity', 'v', 'signature'],
  properties: {
    signer_address: { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$', description: 'EIP-55 address of the signing key.' },
    kind: { type: 'string', enum: ['transaction', 'typed_data', 'personal_message', 'authorization'] },
    digest: { type: 'string', pattern: '^0x[0-9a-f]{64}$', description: 'keccak256 digest that was signed.' },
    r: { type: 'string', pattern: '^0x[0-9a-f]{64}$' },
    s: { type: 'string', pattern: '^0x[0-9a-f]{64}$', description: 'Low S (s ≤ n/2).' },
    y_parity: { type: 'integer', enum: [0, 1] },
    v: {
      type: 'string',
      pattern: '^0x[0-9a-f]+$',
      description: 'Transactions: the signed transaction’s v (legacy EIP-155 or y_parity); otherwise 27 + y_parity.',
    },
    signature: { type: 'string', pattern: '^0x[0-9a-f]{130}$', description: '65 bytes r ‖ s ‖ (27 + y_parity).' },
    raw_transaction: { type: 'string', pattern: '^0x([0-9a-f]{2})+$', description: 'Transactions: the signed raw transaction.' },
    tx_hash: { type: 'string', pattern: '^0x[0-9a-f]{64}$', description: 'Transactions: keccak256 of raw_transaction.' },
  },
};
