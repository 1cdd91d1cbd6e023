import { readFileSync } from 'node:fs';
import { ErrorCode, openKmsError } from '@openkms/core';
import { loadConfig } from '../config/load-config.js';
import { userPath } from './cli-context.js';
import { flag, UsageError, type ParsedArgs } from './parse-args.js';

/** The signer answered with an error status: the command prints it and exits 1. */
export class CliHttpError extends Error {}

/** Calls a running signer's API: JSON in and out; an error status throws CliHttpError with the answer's code. */
export type SignerCall = (method: string, path: string, body?: unknown) => Promise<unknown>;

/**
 * The client of the operator commands that talk to a running signer (`approvals`, `pairing`): its URL from --url or
 * the config's listen address (--config), the token from --token-file or OPENKMS_TOKEN.
 */
export async function signerAdminClient(command: string, args: ParsedArgs): Promise<SignerCall> {
  const url = await signerUrl(command, flag(args, 'url'), flag(args, 'config'));
  const tokenFile = flag(args, 'token-file');
  const token = tokenFile ? readFileSync(userPath(tokenFile), 'utf8').trim() : process.env.OPENKMS_TOKEN;
  return async (method, path, body) => {
    let res: Response;
    try {
      res = await fetch(new URL(path, url), {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw openKmsError(ErrorCode.backendUnavailable, `cannot reach the signer at ${url} (${(err as Error).message})`, { url });
    }
    const json = (await res.json().catch(() => undefined)) as { error?: string; code?: string } | undefined;
    if (!res.ok)
      throw new CliHttpError(`${method} ${path} answered ${res.status}${json?.error ? `: ${json.error}` : ''}${json?.code ? ` [${json.code}]` : ''}`);
    return json;
  };
}

async function signerUrl(command: string, url: string | undefined, config: string | undefined): Promise<string> {
  if (url) return url;
  if (!config) throw new UsageError(`${command} needs --config FILE or --url URL`);
  const c = await loadConfig(userPath(config));
  const host = c.server.host === '0.0.0.0' ? '127.0.0.1' : c.server.host === '::' ? '::1' : c.server.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${c.server.port}`;
}
