/** A small argv parser: `--name value`, `--name=value`, repeated flags, boolean flags, positionals. */
export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Map<string, string[]>;
}

export function parseArgs(argv: readonly string[], booleanFlags: readonly string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  const add = (k: string, v: string) => flags.set(k, [...(flags.get(k) ?? []), v]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) add(a.slice(2, eq), a.slice(eq + 1));
      else if (booleanFlags.includes(a.slice(2)) || a === '--help') add(a.slice(2), 'true');
      else {
        const v = argv[i + 1];
        if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
        add(a.slice(2), v);
        i++;
      }
    } else if (a === '-h') add('help', 'true');
    else positionals.push(a);
  }
  return { positionals, flags };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return v?.[v.length - 1];
}

export function flagList(args: ParsedArgs, name: string): string[] {
  return args.flags.get(name) ?? [];
}

export function rejectUnknownFlags(args: ParsedArgs, known: readonly string[]): void {
  for (const k of args.flags.keys()) if (k !== 'help' && !known.includes(k)) throw new UsageError(`unknown option --${k}`);
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}
