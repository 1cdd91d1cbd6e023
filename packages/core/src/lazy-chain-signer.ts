import type { ChainKey, ChainSigner, DecodeContext, DecodedRequest, SignedResponse } from './chain-signer.js';
import { ErrorCode, openKmsError } from './errors.js';
import type { KeyBackend } from './key-backend.js';

/** What a ChainSigner offers without its decoders: schemas, key options, policy hooks, addresses. */
export type ChainSignerBasics = Omit<ChainSigner<any, any>, 'decode' | 'sign' | 'prepare'>;

/**
 * A ChainSigner whose `decode` and `sign` come from a module loaded on first use (or by `prepare()`), so a plugin's
 * entry stays light: the signer starts without importing a chain's heavy decoders (protobuf registries, ABI
 * codecs, program clients). `basics` must not import them. The loaded signer must be for the same chain and curve.
 *
 * Fails closed: until the module is loaded nothing is decoded or signed; a module that cannot be loaded makes every
 * request fail with `internal_error` (and is tried again on the next request).
 */
export function lazyChainSigner<Req = Record<string, unknown>, D = unknown>(
  basics: ChainSignerBasics,
  load: () => Promise<ChainSigner<Req, D>>,
): ChainSigner<Req, D> {
  let loading: Promise<ChainSigner<Req, D>> | undefined;
  const full = (): Promise<ChainSigner<Req, D>> =>
    (loading ??= load()
      .then((signer) => {
        if (!signer || signer.chain !== basics.chain || signer.curve !== basics.curve) {
          throw new Error(`the loaded signer is for chain ${JSON.stringify(signer?.chain)}, curve ${JSON.stringify(signer?.curve)}`);
        }
        return signer;
      })
      .catch((err: unknown) => {
        loading = undefined;
        throw openKmsError(
          ErrorCode.internal,
          `the ${basics.chain} plugin's decoder could not be loaded (${(err as Error)?.message?.split('\n')[0] ?? String(err)})`,
          { chain: basics.chain },
          err,
        );
      }));
  return {
    ...basics,
    async decode(request: Req, key: ChainKey, context?: DecodeContext): Promise<DecodedRequest<D>> {
      return (await full()).decode(request, key, context);
    },
    async sign(decoded: DecodedRequest<D>, key: ChainKey, backend: KeyBackend): Promise<SignedResponse> {
      return (await full()).sign(decoded, key, backend);
    },
    async prepare(): Promise<void> {
      await full();
    },
  };
}
