// The floors: the same framework as the signer (Express 5, JSON body parser) answering a small JSON body.
//   floor-server.ts                       POST /floor: the bare route.
//   floor-server.ts relay URL FILE        POST /floor: the signing path's unavoidable I/O and nothing else: one HTTP
//                                         round trip to URL (a bare upstream standing in for the device connector, a
//                                         process of its own) and one record appended to FILE, durable (fdatasync,
//                                         group commit) before the answer, as the audit log does.
//   floor-server.ts upstream              any POST: 64 bytes back (node:http, no framework): the relay's upstream.
// Child process of run-bench.ts; tells its port over IPC.
import { openSync, writeSync, fdatasyncSync, closeSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import express from 'express';

const [mode, upstream, file] = process.argv.slice(2);
const app = express();
app.use(express.json({ limit: '64kb' }));

const answer = (label: unknown) => ({ ok: true, label: label ?? null, signature_b64: 'A'.repeat(88) });

if (mode === 'relay') {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const fd = openSync(file!, 'a', 0o600);
  // group commit: every record waiting when a flush starts goes into one write and one fdatasync
  let waiting: { line: string; done: () => void }[] = [];
  let flushing = false;
  const flush = (): void => {
    if (flushing || waiting.length === 0) return;
    flushing = true;
    const batch = waiting;
    waiting = [];
    setImmediate(() => {
      writeSync(fd, batch.map((b) => b.line).join(''));
      fdatasyncSync(fd);
      flushing = false;
      for (const b of batch) b.done();
      flush();
    });
  };
  const durable = (line: string): Promise<void> =>
    new Promise((done) => {
      waiting.push({ line, done });
      flush();
    });
  const roundTrip = (body: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const req = request(
        upstream!,
        { method: 'POST', agent, headers: { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  app.post('/floor', async (req, res) => {
    const label = (req.body as { label?: unknown }).label;
    const reply = await roundTrip(JSON.stringify(req.body));
    await durable(`${JSON.stringify({ label, reply: reply.length, at: Date.now() })}\n`);
    res.json(answer(label));
  });
  process.on('exit', () => closeSync(fd));
} else {
  app.post('/floor', (req, res) => {
    res.json(answer((req.body as { label?: unknown }).label));
  });
}

const reply64 = Buffer.alloc(64, 1);
const upstreamServer = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end(reply64));
});
const server = (mode === 'upstream' ? upstreamServer : app).listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.send!({ type: 'ready', port: typeof addr === 'object' && addr ? addr.port : 0 });
});
server.keepAliveTimeout = 60_000;
process.on('disconnect', () => process.exit(0));
