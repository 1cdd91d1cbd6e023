// node:test loads reporters before `--import tsx` applies, so this plain-JS entry registers tsx and hands the events to
// the TypeScript reporter (suite-reporter.ts).
import { register } from 'tsx/esm/api';

register();
const { default: suiteReporter } = await import('./suite-reporter.ts');

export default suiteReporter;
