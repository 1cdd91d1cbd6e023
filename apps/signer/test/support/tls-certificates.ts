/** TEST-ONLY: throw-away CAs and certificates made with the `openssl` CLI, written as PEM files into a directory. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function hasOpensslCli(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

/** A CA: `<name>.crt` and `<name>.key` in `dir`. */
export function makeCa(dir: string, name: string): { cert: string; key: string } {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
    ],
    dir,
  );
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

/** A leaf certificate issued by `ca`: `<name>.crt` / `<name>.key`; `server` adds the 127.0.0.1 / localhost SAN. */
export function makeLeaf(dir: string, name: string, cn: string, ca: { cert: string; key: string }, server = false): { cert: string; key: string } {
  openssl(
    ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`],
    dir,
  );
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, server ? 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' : 'extendedKeyUsage=clientAuth\n');
  openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', ext],
    dir,
  );
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

/** The SHA-256 fingerprint of a PEM certificate file, as `AA:BB:…`. */
export function fingerprintOf(certFile: string): string {
  const out = execFileSync('openssl', ['x509', '-in', certFile, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
  return out.trim().split('=')[1]!;
}

export function pem(file: string): string {
  return readFileSync(file, 'utf8');
}
