/**
 * The node flags the shipped systemd unit gives the signer: `Environment="NODE_OPTIONS=…"` in
 * apps/signer/deploy/openkms.service ([] when it sets none). The bench measures memory with them as deployed, and the soak runs the signer with them.
 */
export function deploymentNodeFlags(unitText: string): string[] {
  const m = /^Environment="NODE_OPTIONS=([^"]*)"$/m.exec(unitText);
  return m ? m[1]!.split(/\s+/).filter(Boolean) : [];
}

/**
 * The other variables the shipped unit sets (`Environment=KEY=VALUE` or `Environment="KEY=VALUE"`), NODE_OPTIONS aside:
 * e.g. MALLOC_ARENA_MAX. The bench measures memory with them as deployed.
 */
export function deploymentEnvironment(unitText: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of unitText.matchAll(/^Environment=(?:"([^"]*)"|(\S+))\s*$/gm)) {
    const assignment = (m[1] ?? m[2])!;
    const at = assignment.indexOf('=');
    const key = assignment.slice(0, at);
    if (at > 0 && key !== 'NODE_OPTIONS') out[key] = assignment.slice(at + 1);
  }
  return out;
}

/** The shipped unit's text (apps/signer/deploy/openkms.service) read from the repository. */
export const DEPLOY_UNIT_PATH = new URL('../../apps/signer/deploy/openkms.service', import.meta.url);
