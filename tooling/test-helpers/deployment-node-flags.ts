/**
 * The node flags the shipped systemd unit gives the signer: `Environment="NODE_OPTIONS=…"` in
 * apps/signer/deploy/openkms.service ([] when it sets none). The bench measures memory with them as deployed.
 */
export function deploymentNodeFlags(unitText: string): string[] {
  const m = /^Environment="NODE_OPTIONS=([^"]*)"$/m.exec(unitText);
  return m ? m[1]!.split(/\s+/).filter(Boolean) : [];
}
