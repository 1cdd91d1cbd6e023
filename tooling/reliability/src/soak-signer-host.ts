// The soak's signer, in a process of its own (so its memory is measured alone): startSigner on the soak's demo
// config, its YubiHSM2 the simulator the parent serves through a connector. Child process of soak.ts, started with
// --expose-gc: on {type: 'heap'} it runs a full GC and answers with the live heap (what the process still holds,
// as opposed to RSS, which also counts the heap V8 grew and keeps).
import v8 from 'node:v8';
import { startSigner } from '@openkms/signer';

const [configFile, connector] = process.argv.slice(2);
const signer = await startSigner({
  configFile: configFile!,
  listen: { host: '127.0.0.1', port: 0 },
  connectors: [connector!],
  logDestination: { write: () => undefined } as never,
});
const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (m: { type?: string }) => {
  if (m.type !== 'heap' || gc === undefined) return;
  gc();
  const { arrayBuffers, external } = process.memoryUsage();
  process.send!({ type: 'heap', usedBytes: v8.getHeapStatistics().used_heap_size, externalBytes: external, arrayBufferBytes: arrayBuffers });
});
process.send!({ type: 'ready', url: signer.url });
process.on('disconnect', () => {
  void signer.close().finally(() => process.exit(0));
});
