// The bare-route floor: the same framework as the signer (Express 5, JSON body parser) answering a small JSON body.
// Child process of run-bench.ts; tells its port over IPC.
import express from 'express';

const app = express();
app.use(express.json({ limit: '64kb' }));
app.post('/floor', (req, res) => {
  res.json({ ok: true, label: (req.body as { label?: unknown }).label ?? null, signature_b64: 'A'.repeat(88) });
});
const server = app.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.send!({ type: 'ready', port: typeof addr === 'object' && addr ? addr.port : 0 });
});
server.keepAliveTimeout = 60_000;
process.on('disconnect', () => process.exit(0));
