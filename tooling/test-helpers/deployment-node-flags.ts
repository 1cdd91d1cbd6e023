/**
 * The node flags the shipped systemd unit gives the signer: `Environment="NODE_OPTIONS=…"` in
 * apps/signer/deploy/openkms.service ([] when it sets none). The bench measures memory with them as deployed, and the soak runs the signer with them.
 */
export function deploymentNodeFlags(unitText: string): string[] {
  const m = /^Environment="NODE_OPTIONS=([^"]*)"$/m.exec(unitText);
  return m ? m[1]!.split(/\s+/).filter(Boolean) : [];
}

/** The shipped unit's text (apps/signer/deploy/openkms.service) read from the repository. */
export const DEPLOY_UNIT_PATH = new URL('../../apps/signer/deploy/openkms.service', import.meta.url);
