/**
 * TEST-ONLY: one Redis command over a fresh connection (RESP2), without a client library: for tests and benchmarks
 * that look at what a fleet stored (counters, CPU via INFO) beside the signers' own connections.
 */
import net from 'node:net';

export type RespValue = string | number | null | RespValue[];

/** Parses one RESP2 reply at `at`; undefined when `buf` does not hold all of it yet. Errors are thrown. */
function parseReply(buf: Buffer, at: number): { value: RespValue; next: number } | undefined {
  const eol = buf.indexOf('\r\n', at, 'latin1');
  if (eol < 0) return undefined;
  const head = buf.toString('utf8', at, eol);
  const rest = head.slice(1);
  switch (head[0]) {
    case '+':
      return { value: rest, next: eol + 2 };
    case '-':
      throw new Error(`redis: ${rest}`);
    case ':':
      return { value: Number(rest), next: eol + 2 };
    case '$': {
      const len = Number(rest);
      if (len < 0) return { value: null, next: eol + 2 };
      if (buf.length < eol + 2 + len + 2) return undefined;
      return { value: buf.toString('utf8', eol + 2, eol + 2 + len), next: eol + 2 + len + 2 };
    }
    case '*': {
      const n = Number(rest);
      if (n < 0) return { value: null, next: eol + 2 };
      const out: RespValue[] = [];
      let next = eol + 2;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, next);
        if (item === undefined) return undefined;
        out.push(item.value);
        next = item.next;
      }
      return { value: out, next };
    }
    default:
      throw new Error(`redis: unexpected reply ${JSON.stringify(head.slice(0, 40))}`);
  }
}

/** Sends one command to the Redis at 127.0.0.1:`port` and resolves with its reply (rejects on an error reply). */
export function redisCommand(port: number, args: readonly string[], opts: { password?: string; timeoutMs?: number } = {}): Promise<RespValue> {
  const encode = (a: readonly string[]) => `*${a.length}\r\n` + a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join('');
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let skip = opts.password === undefined ? 0 : 1; // the AUTH reply
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(opts.timeoutMs ?? 5000, () => fail(new Error(`redis: no answer within ${opts.timeoutMs ?? 5000} ms`)));
    socket.on('error', fail);
    socket.on('connect', () => socket.write((opts.password === undefined ? '' : encode(['AUTH', opts.password])) + encode(args)));
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      try {
        for (;;) {
          const r = parseReply(buf, 0);
          if (r === undefined) return;
          buf = buf.subarray(r.next);
          if (skip > 0) {
            skip--;
            continue;
          }
          socket.destroy();
          resolve(r.value);
          return;
        }
      } catch (err) {
        fail(err as Error);
      }
    });
  });
}
