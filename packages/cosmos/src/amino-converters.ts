import { createWasmAminoConverters, wasmTypes } from '@cosmjs/cosmwasm';
import { Registry } from '@cosmjs/proto-signing';
import { AminoTypes, createDefaultAminoConverters, defaultRegistryTypes } from '@cosmjs/stargate';

/**
 * cosmjs's amino JSON converters (the @cosmjs/stargate defaults plus CosmWasm) and the matching protobuf registry:
 * an amino message is turned into the protobuf message the chain would execute with exactly these converters.
 * authz and feegrant messages have no amino converter in cosmjs and are refused in amino mode.
 */
export const aminoTypes = new AminoTypes({ ...createDefaultAminoConverters(), ...createWasmAminoConverters() });

export const protoRegistry = new Registry([...defaultRegistryTypes, ...wasmTypes]);
