import { parseArgs as parseArgv } from 'node:util';

/**
 * A command's argv, parsed by node:util `parseArgs` (strict): `--name value`, `--name=value`, repeated flags, boolean
 * flags, positionals, `--` ends the options. `--help` / `-h` is always known. Unknown options and missing values are
 * usage errors (exit 2).
 */
export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Map<string, string[]>;
}

export interface ArgSpec {
  /** Options that take a value (may be repeated; `flag` returns the last, `flagList` all). */
  readonly options?: readonly string[];
  /** Options without a value. */
  readonly booleans?: readonly string[];
}

export function parseArgs(argv: readonly string[], spec: ArgSpec = {}): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; multiple: true; short?: string }> = {
    help: { type: 'boolean', multiple: true, short: 'h' },
  };
  for (const name of spec.options ?? []) options[name] = { type: 'string', multiple: true };
  for (const name of spec.booleans ?? []) options[name] = { type: 'boolean', multiple: true };
  let parsed: { values: Record<string, (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgv({ args: [...argv], options, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (err) {
    throw new UsageError(usageMessage(err));
  }
  const flags = new Map<string, string[]>();
  for (const [name, v] of Object.entries(parsed.values)) if (v !== undefined) flags.set(name, v.map(String));
  return { positionals: parsed.positionals, flags };
}

/** node:util's errors in this CLI's wording. */
function usageMessage(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return /does not take an argument/.test(message) ? `${option} takes no value` : `${option} needs a value`;
  }
  return message;
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return v?.[v.length - 1];
}

export function flagList(args: ParsedArgs, name: string): string[] {
  return args.flags.get(name) ?? [];
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}
