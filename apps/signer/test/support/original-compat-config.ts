/**
 * Config edits the compatibility suites apply to the demo config: what an operator moving from the original openKMS
 * sets (public GET /keys), and a Solana network pin matching the "devnet" its tests send as expected_chain_id.
 */
export function originalCompatConfig(toml: string): string {
  let out = toml.replace(/^\[auth\]\n/m, '[auth]\npublic_keys = true\n');
  const options = /^\[keys\.solana-hot-0\.options\]\n/m;
  if (options.test(out))
    out = out.replace(/^(\[keys\.solana-hot-0\.options\]\n(?:(?!\[)[^\n]*\n)*?)cluster = [^\n]*\n/m, '$1').replace(options, '$&cluster = "devnet"\n');
  else out = out.replace(/^\[keys\.solana-hot-0\.policy\]\n/m, '[keys.solana-hot-0.options]\ncluster = "devnet"\n\n$&');
  return out;
}
