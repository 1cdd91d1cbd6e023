// Loaded with `node --import` into a spawned signer (tests only): appends to the file named by OPENKMS_MODULE_LOG the
// URL of every module Node loads (written by the loader hook before the module runs) and a line `LISTENING <port>`
// when an HTTP server starts listening. Both append synchronously to the same file, so its order is the real order:
// every module above a LISTENING line was loaded before that server answered anything.
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import { register } from 'node:module';

const file = process.env.OPENKMS_MODULE_LOG;
if (file) {
  const hook = `
    import { appendFileSync } from 'node:fs';
    let file;
    export function initialize(data) { file = data.file; }
    export async function load(url, context, next) {
      appendFileSync(file, url + '\\n');
      return next(url, context);
    }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { file } });
  const listen = http.Server.prototype.listen;
  http.Server.prototype.listen = function (...args) {
    this.once('listening', () => appendFileSync(file, `LISTENING ${this.address()?.port}\n`));
    return listen.apply(this, args);
  };
}
