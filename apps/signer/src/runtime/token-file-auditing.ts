import type { Logger } from 'pino';
import { isOpenKmsError } from '@openkms/core';
import type { AuditLog } from '@openkms/audit';
import type { TokenChange } from '../auth/token-file-watcher.js';

export interface TokenFileAuditing {
  /** What the token file watcher calls: a change (audited per token), a rejected file, a file valid again. */
  readonly handlers: {
    onChange(changes: readonly TokenChange[]): void;
    onError(err: unknown): void;
    onRecover(): void;
  };
  /** Audits token changes found by a reload under its request id. */
  auditTokenChanges(changes: readonly TokenChange[], requestId: string): void;
}

/**
 * Tokens: `openkms token create/revoke` rewrite the file; the signer picks each change up at the next request (or
 * reload) and audits it. The CLI never writes the audit log itself: the signer is its only writer.
 */
export function createTokenFileAuditing(audit: AuditLog, logger: Logger): TokenFileAuditing {
  const auditTokenChanges = (changes: readonly TokenChange[], requestId: string) => {
    for (const c of changes) {
      logger.info({ action: c.action, name: c.name, scopes: c.scopes }, 'token file changed');
      audit
        .append(
          { request_id: requestId, decision: 'admin', action: c.action, details: { name: c.name, scopes: c.scopes, source: 'token_file' } },
          { durable: true },
        )
        .catch((err: unknown) => logger.error({ message: (err as Error).message }, 'could not audit a token change'));
    }
  };
  const auditTokenFile = (action: string, details: Record<string, string>) =>
    audit
      .append({ request_id: 'token-file', decision: 'admin', action, details: { source: 'token_file', ...details } }, { durable: true })
      .catch((err: unknown) => logger.error({ message: (err as Error).message }, 'could not audit a token file event'));
  return {
    auditTokenChanges,
    handlers: {
      onChange: (changes) => auditTokenChanges(changes, 'token-file'),
      onError: (err) => {
        const code = isOpenKmsError(err) ? err.code : 'internal_error';
        logger.error({ code, message: (err as Error).message }, 'token file change rejected; every token is refused until it is fixed');
        void auditTokenFile('token_file_rejected', { code });
      },
      onRecover: () => {
        logger.info('token file valid again; tokens are accepted');
        void auditTokenFile('token_file_restored', {});
      },
    },
  };
}
