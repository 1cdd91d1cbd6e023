import type { Health } from '../api.js';

/** Says loudly when the signer cannot sign: the HSM (key backend) or the audit log is down, or it does not answer. */
export function HealthBanner({ health, unreachable }: { health?: Health; unreachable: boolean }) {
  if (unreachable) {
    return (
      <div class="banner bad" role="alert" data-testid="health">
        The signer does not answer. The data below may be stale.
      </div>
    );
  }
  if (!health) return null;
  if (health.status === 'ok') {
    return (
      <div class="banner ok" data-testid="health">
        Signer healthy{health.simulated ? ' (simulated HSM: demo keys only)' : ''}.
      </div>
    );
  }
  const down = [!health.hsm_up ? 'the key backend (HSM) is down' : undefined, !health.audit_up ? 'the audit log is down' : undefined].filter(Boolean);
  const backends = (health.backends ?? []).filter((b) => !b.up).map((b) => `${b.name} (${b.kind})`);
  return (
    <div class="banner bad" role="alert" data-testid="health">
      Degraded: {down.join(' and ')}. Signatures are refused{backends.length ? `; backends down: ${backends.join(', ')}` : ''}.
    </div>
  );
}
