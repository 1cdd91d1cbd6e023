import { existsSync } from 'node:fs';
import { ErrorCode, openKmsError } from '@openkms/core';
import { TokenStore } from '../auth/token-store.js';
import { loadConfig } from '../config/load-config.js';
import { userPath, type CliIo } from './cli-context.js';
import { flag, flagList, parseArgs, UsageError } from './parse-args.js';

export const TOKEN_HELP = `openkms token <create|list|revoke> [options]

  create --name NAME --scope SCOPE [--scope SCOPE…]   print a new token once (scopes: sign, sign:<label>, read, admin)
  list                                               names, scopes and creation times (never tokens)
  revoke --name NAME                                 remove a token

  --config FILE   take the token file from this signer config (auth.token_file); sign:<label> must name one of its keys
  --file FILE     or name the token file directly (default ./tokens.json)

A running signer applies token changes at its next request (no restart or reload) and audits them
(token_create / token_revoke). If the token file becomes unreadable, invalid, not 0600 or owned by another user, the
signer rejects every token (401) until the file is fixed. Changes made while the signer is stopped are not audited by
it: the file itself is their record. Run as root, create/revoke keep the file's owner and group (the service user's);
a new file belongs to whoever creates it, so create the first token as the service user.`;

export async function tokenCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { options: ['name', 'scope', 'config', 'file'] });
  const [sub] = args.positionals;
  if (args.flags.has('help')) {
    io.out(TOKEN_HELP);
    return 0;
  }
  if (!sub) {
    io.err(TOKEN_HELP);
    return 2;
  }
  const configFile = flag(args, 'config');
  const config = configFile ? await loadConfig(userPath(configFile)) : undefined;
  const file = config ? config.auth.tokenFile : userPath(flag(args, 'file') ?? 'tokens.json');
  // root administers the service user's file (still 0600 or refused); rewrites keep that owner
  const allowOtherOwner = process.getuid?.() === 0;
  switch (sub) {
    case 'create': {
      const name = flag(args, 'name');
      const scopes = flagList(args, 'scope');
      if (!name || scopes.length === 0) throw new UsageError('token create needs --name and at least one --scope');
      // with a config, a sign scope must name a key that exists (a typo would make a token that can sign nothing)
      for (const scope of scopes) {
        const label = scope.startsWith('sign:') ? scope.slice('sign:'.length) : undefined;
        if (config && label !== undefined && !Object.hasOwn(config.keys, label)) {
          const known = Object.keys(config.keys).join(', ') || 'none';
          throw openKmsError(ErrorCode.unknownLabel, `--scope ${scope}: no key labelled ${label} in ${config.file} (keys: ${known})`, { label });
        }
      }
      const store = TokenStore.load(file, { allowMissing: true, allowOtherOwner });
      const token = store.create(name, scopes);
      io.err(`created token ${name} (${scopes.join(', ')}) in ${file}; it is shown once:`);
      io.out(token);
      return 0;
    }
    case 'list': {
      if (!existsSync(file)) {
        io.out('(no tokens)');
        return 0;
      }
      for (const t of TokenStore.load(file, { allowOtherOwner }).list()) io.out(`${t.name}\t${t.scopes.join(',')}\t${t.created_at}`);
      return 0;
    }
    case 'revoke': {
      const name = flag(args, 'name');
      if (!name) throw new UsageError('token revoke needs --name');
      const removed = TokenStore.load(file, { allowOtherOwner }).revoke(name);
      io.err(removed ? `revoked ${name}` : `no token named ${name}`);
      return removed ? 0 : 1;
    }
    default:
      throw new UsageError(`unknown token subcommand ${sub}`);
  }
}
