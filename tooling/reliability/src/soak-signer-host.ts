// The soak's signer, in a process of its own (so its memory is measured alone): startSigner on the soak's demo
// config, its YubiHSM2 the simulator the parent serves through a connector. Child process of soak.ts.
import { startSigner } from '@openkms/signer';

const [configFile, connector] = process.argv.slice(2);
const signer = await startSigner({
  configFile: configFile!,
  listen: { host: '127.0.0.1', port: 0 },
  connectors: [connector!],
  logDestination: { write: () => undefined } as never,
});
process.send!({ type: 'ready', url: signer.url });
process.on('disconnect', () => {
  void signer.close().finally(() => process.exit(0));
});
