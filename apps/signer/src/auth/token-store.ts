import { writeFileAtomicSync } from '@openkms/policy';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { ErrorCode, openKmsError } from '@openkms/core';
import { isValidScope, parseScopes, type Scopes } from './scopes.js';
import { assertSecretFile } from './secret-file.js';

/** One entry of the token file. Only the SHA-256 of a token is stored, never the token. */
export interface TokenEntry {
  readonly name: string;
  readonly sha256: string;
  readonly scopes: readonly string[];
  readonly created_at: string;
}

export interface TokenIdentity {
  readonly name: string;
  readonly scopes: Scopes;
  readonly scopeList: readonly string[];
}

interface TokenFile {
  version: 1;
  tokens: TokenEntry[];
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const TOKEN_PREFIX = 'okms_';

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The bearer-token store: a 0600 JSON file of token hashes with names and scopes. */
export class TokenStore {
  private entries: { entry: TokenEntry; hash: Buffer; scopes: Scopes }[] = [];

  private constructor(
    readonly file: string,
    private readonly writable = true,
  ) {}

  /** A store that accepts no token and cannot be written (what a signer serves while its token file is rejected). */
  static empty(label: string): TokenStore {
    return new TokenStore(label, false);
  }

  /**
   * Loads the store; refuses an insecure file (mode other than 0600, or owned by another user unless `allowOtherOwner`,
   * which the CLI sets when run as root). A missing file is an empty store when `allowMissing`.
   */
  static load(file: string, opts: { allowMissing?: boolean; checkPermissions?: boolean; allowOtherOwner?: boolean } = {}): TokenStore {
    const store = new TokenStore(file);
    if (!existsSync(file)) {
      if (opts.allowMissing) return store;
      throw openKmsError(ErrorCode.configInvalid, `token file ${file} does not exist (create one with: openkms token create)`, {
        file,
        path: 'auth.token_file',
      });
    }
    if (opts.checkPermissions !== false) assertSecretFile(file, 'token file', { checkOwner: !opts.allowOtherOwner });
    let parsed: TokenFile;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as TokenFile;
    } catch {
      throw openKmsError(ErrorCode.configInvalid, `token file ${file} is not valid JSON`, { file });
    }
    if (parsed?.version !== 1 || !Array.isArray(parsed.tokens))
      throw openKmsError(ErrorCode.configInvalid, `token file ${file}: expected {"version":1,"tokens":[...]}`, { file });
    parsed.tokens.forEach((t, i) => {
      if (
        !t ||
        !NAME.test(t.name) ||
        !/^[0-9a-f]{64}$/.test(t.sha256) ||
        !Array.isArray(t.scopes) ||
        !t.scopes.every((s) => typeof s === 'string' && isValidScope(s))
      ) {
        throw openKmsError(ErrorCode.configInvalid, `token file ${file}: entry ${i} is invalid`, { file, path: `tokens.${i}` });
      }
    });
    store.entries = parsed.tokens.map((entry) => ({ entry, hash: Buffer.from(entry.sha256, 'hex'), scopes: parseScopes(entry.scopes) }));
    return store;
  }

  /** Checks a presented token against every entry in constant time per entry (no early exit). */
  verify(token: string): TokenIdentity | undefined {
    if (typeof token !== 'string' || token.length === 0 || token.length > 512) return undefined;
    const presented = sha256(token);
    let match: (typeof this.entries)[number] | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(presented, e.hash) && match === undefined) match = e;
    }
    return match && { name: match.entry.name, scopes: match.scopes, scopeList: match.entry.scopes };
  }

  list(): readonly Omit<TokenEntry, 'sha256'>[] {
    return this.entries.map(({ entry }) => ({ name: entry.name, scopes: entry.scopes, created_at: entry.created_at }));
  }

  /** Creates a token and persists its hash. Returns the token: the only time it exists outside the client. */
  create(name: string, scopes: readonly string[]): string {
    if (!NAME.test(name))
      throw openKmsError(ErrorCode.invalidRequest, `invalid token name ${JSON.stringify(name)} (letters, digits, . _ -, up to 64)`, { name });
    if (scopes.length === 0) throw openKmsError(ErrorCode.invalidRequest, 'a token needs at least one scope', {});
    for (const s of scopes)
      if (!isValidScope(s))
        throw openKmsError(ErrorCode.invalidRequest, `invalid scope ${JSON.stringify(s)} (sign, sign:<label>, read, admin, approve, approve:<label>)`, {
          scope: s,
        });
    if (this.entries.some((e) => e.entry.name === name)) throw openKmsError(ErrorCode.conflict, `a token named ${name} already exists`, { name });
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const entry: TokenEntry = { name, sha256: sha256(token).toString('hex'), scopes: [...scopes], created_at: new Date().toISOString() };
    this.entries.push({ entry, hash: Buffer.from(entry.sha256, 'hex'), scopes: parseScopes(entry.scopes) });
    this.save();
    return token;
  }

  /**
   * Stores the hash of an existing token (`openkms config migrate` imports the original openKMS's token files, so
   * its agents keep their tokens). Only the hash is kept, as for created tokens.
   */
  import(name: string, scopes: readonly string[], token: string): void {
    if (!NAME.test(name))
      throw openKmsError(ErrorCode.invalidRequest, `invalid token name ${JSON.stringify(name)} (letters, digits, . _ -, up to 64)`, { name });
    for (const s of scopes)
      if (!isValidScope(s))
        throw openKmsError(ErrorCode.invalidRequest, `invalid scope ${JSON.stringify(s)} (sign, sign:<label>, read, admin, approve, approve:<label>)`, {
          scope: s,
        });
    if (token.length === 0) throw openKmsError(ErrorCode.invalidRequest, 'an imported token must not be empty', { name });
    if (this.entries.some((e) => e.entry.name === name)) throw openKmsError(ErrorCode.conflict, `a token named ${name} already exists`, { name });
    const hash = sha256(token);
    if (this.entries.some((e) => e.hash.equals(hash))) throw openKmsError(ErrorCode.conflict, `token ${name} is the same as an existing token`, { name });
    const entry: TokenEntry = { name, sha256: hash.toString('hex'), scopes: [...scopes], created_at: new Date().toISOString() };
    this.entries.push({ entry, hash, scopes: parseScopes(entry.scopes) });
    this.save();
  }

  revoke(name: string): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.entry.name !== name);
    if (this.entries.length === before) return false;
    this.save();
    return true;
  }

  /** Rewrites the file atomically, 0600, keeping the owner and group of the file it replaces (see writeFileAtomicSync). */
  private save(): void {
    if (!this.writable) throw openKmsError(ErrorCode.internal, 'this token store cannot be written', {});
    const data: TokenFile = { version: 1, tokens: this.entries.map((e) => e.entry) };
    writeFileAtomicSync(this.file, JSON.stringify(data, null, 2) + '\n');
  }
}
