import { createRequire } from 'node:module';
import type { StdSignDoc } from '@cosmjs/amino';
import type { createWasmAminoConverters as WasmConverters, wasmTypes as WasmTypes } from '@cosmjs/cosmwasm';
import type { Registry } from '@cosmjs/proto-signing';
import type { AminoTypes, createDefaultAminoConverters as DefaultConverters, defaultRegistryTypes as DefaultTypes } from '@cosmjs/stargate';

/** cosmjs's amino JSON converters and the matching protobuf registry, with the amino sign doc serialiser. */
export interface AminoConverters {
  readonly aminoTypes: AminoTypes;
  readonly protoRegistry: Registry;
  readonly serializeSignDoc: (doc: StdSignDoc) => Uint8Array;
}

// cosmjs ships CommonJS only, so a synchronous require loads the very modules an `import` would.
const require = createRequire(import.meta.url);
let loaded: AminoConverters | undefined;

/**
 * cosmjs's amino JSON converters (the @cosmjs/stargate defaults plus CosmWasm) and the matching protobuf registry:
 * an amino message is turned into the protobuf message the chain would execute with exactly these converters.
 * authz and feegrant messages have no amino converter in cosmjs and are refused in amino mode.
 *
 * Loaded on the first amino request, not with the decoder: @cosmjs/stargate and @cosmjs/cosmwasm (with the RPC
 * clients they bring) cost ~270 ms of start-up CPU and ~14 MB of memory that a signer without amino traffic never needs.
 */
export function aminoConverters(): AminoConverters {
  if (loaded === undefined) {
    const stargate = require('@cosmjs/stargate') as {
      AminoTypes: typeof AminoTypes;
      createDefaultAminoConverters: typeof DefaultConverters;
      defaultRegistryTypes: typeof DefaultTypes;
    };
    const cosmwasm = require('@cosmjs/cosmwasm') as { createWasmAminoConverters: typeof WasmConverters; wasmTypes: typeof WasmTypes };
    const protoSigning = require('@cosmjs/proto-signing') as { Registry: typeof Registry };
    const amino = require('@cosmjs/amino') as { serializeSignDoc: (doc: StdSignDoc) => Uint8Array };
    loaded = {
      aminoTypes: new stargate.AminoTypes({ ...stargate.createDefaultAminoConverters(), ...cosmwasm.createWasmAminoConverters() }),
      protoRegistry: new protoSigning.Registry([...stargate.defaultRegistryTypes, ...cosmwasm.wasmTypes]),
      serializeSignDoc: amino.serializeSignDoc,
    };
  }
  return loaded;
}
