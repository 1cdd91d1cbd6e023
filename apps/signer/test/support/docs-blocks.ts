import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Fenced code blocks of a markdown file, with the `<!-- docs-test: … -->` marker written right before each (only blank
 * lines between). The markers the docs test knows:
 *
 * - `<!-- docs-test: skip reason="…" -->`: a shell block that cannot run against the demo (real hardware, a systemd
 *   install, cloud credentials, a long-running foreground command); the test lists it with its reason.
 * - `<!-- docs-test: config -->`: a TOML block of `[keys.*]` tables, appended to the demo's config and checked with
 *   `openkms config check`.
 * - `<!-- docs-test: same-as path="…" -->`: the block is the named repository file, byte for byte (a tested fixture).
 */
export interface DocBlock {
  /** Repository-relative path of the markdown file. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly body: string;
  readonly marker: DocMarker | undefined;
}

export interface DocMarker {
  readonly directive: string;
  readonly attrs: Readonly<Record<string, string>>;
  /** The marker as written (for messages). */
  readonly text: string;
}

const MARKER = /^<!--\s*docs-test:\s*([a-z-]+)((?:\s+[a-z-]+="[^"]*")*)\s*-->$/;
const FENCE = /^(\s*)(`{3,})([A-Za-z0-9_-]*)\s*$/;

/** Parses a `<!-- docs-test: … -->` line, or undefined when the line is no marker (a malformed one throws). */
export function parseMarker(line: string): DocMarker | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('<!--') || !/docs-test/.test(trimmed)) return undefined;
  const m = MARKER.exec(trimmed);
  if (!m) throw new Error(`malformed docs-test marker: ${trimmed}`);
  const attrs: Record<string, string> = {};
  for (const a of m[2]!.matchAll(/([a-z-]+)="([^"]*)"/g)) attrs[a[1]!] = a[2]!;
  return { directive: m[1]!, attrs, text: trimmed };
}

/** Every fenced block of the markdown text, in order. */
export function parseDocBlocks(file: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  let lastNonBlank = '';
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) {
      if (lines[i]!.trim() !== '') lastNonBlank = lines[i]!;
      continue;
    }
    const [, indent, fence, lang] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]!);
      if (close && close[2] === fence && close[3] === '') break;
      body.push(lines[j]!.startsWith(indent!) ? lines[j]!.slice(indent!.length) : lines[j]!);
    }
    if (j === lines.length) throw new Error(`${file}:${i + 1}: unclosed code fence`);
    blocks.push({ file, line: i + 1, lang: lang!, body: body.join('\n') + '\n', marker: parseMarker(lastNonBlank) });
    lastNonBlank = lines[j]!;
    i = j;
  }
  return blocks;
}

/** The blocks of a repository file. */
export function readDocBlocks(repo: string, file: string): DocBlock[] {
  return parseDocBlocks(file, readFileSync(join(repo, file), 'utf8'));
}

const SHELL_LANGS = new Set(['sh', 'bash', 'console', 'shell']);

/** The commands of a shell block: a console block's `$ ` lines (and their continuations), else every line. */
export function shellScript(block: DocBlock): string {
  if (block.lang !== 'console') return block.body;
  const out: string[] = [];
  let continuing = false;
  for (const line of block.body.split('\n')) {
    if (continuing) out.push(line);
    else if (line.startsWith('$ ')) out.push(line.slice(2));
    else continue;
    continuing = line.endsWith('\\');
  }
  return out.join('\n') + '\n';
}

/** An `openkms` command (`openkms …`, `pnpm openkms …`, `npx -y pnpm@10 openkms …`), not `@openkms/…`. */
const OPENKMS_COMMAND = /(^|[\s;&|(`])openkms(?=\s|$)/m;
/** curl as a command: at the start of a line or after `;`, `&`, `|`, `(`, `` ` `` or `sudo` (not `apt-get install curl`). */
const CURL_COMMAND = /(?:^|[;&|(`]|\bsudo(?:\s+-\S+)*)[ \t]*curl(?=\s)/gm;

/** A shell block the docs test runs: it calls curl or the openkms CLI. */
export function isCommandBlock(block: DocBlock): boolean {
  if (!SHELL_LANGS.has(block.lang)) return false;
  const script = shellScript(block)
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n');
  return OPENKMS_COMMAND.test(script) || new RegExp(CURL_COMMAND.source, 'm').test(script);
}

/** What the documentation says a curl call gets: an HTTP status and, for an error, its code. */
export interface DocumentedResponse {
  /** undefined: any 2xx. */
  readonly status: number | undefined;
  readonly code: string | undefined;
}

/**
 * What each curl call of a script is documented to get, in order: a comment `# → NNN …` (or `# -> NNN`) after a
 * command gives the status of that command's curl calls, and a `"code": "…"` in it the error code of their body;
 * without such a comment, any 2xx.
 */
export function documentedResponses(script: string): DocumentedResponse[] {
  const responses: DocumentedResponse[] = [];
  let last: number[] = [];
  for (const line of logicalLines(script)) {
    const trimmed = line.trim();
    const documented = /^#\s*(?:→|->)\s*([1-5][0-9]{2})\b(.*)$/.exec(trimmed);
    if (documented) {
      const code = /"code":\s*"([a-z_]+)"/.exec(documented[2]!)?.[1];
      for (const i of last) responses[i] = { status: Number(documented[1]), code };
      last = [];
      continue;
    }
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    last = [];
    const calls = [...line.matchAll(CURL_COMMAND)].length;
    for (let k = 0; k < calls; k++) {
      last.push(responses.length);
      responses.push({ status: undefined, code: undefined });
    }
  }
  return responses;
}

/** Lines joined across `\` continuations and single-quoted strings that span lines (a JSON body). */
function logicalLines(script: string): string[] {
  const out: string[] = [];
  let current: string | undefined;
  for (const line of script.split('\n')) {
    current = current === undefined ? line : `${current}\n${line}`;
    const quotes = (current.match(/'/g) ?? []).length;
    if (current.endsWith('\\') || (quotes % 2 === 1 && !current.trimStart().startsWith('#'))) continue;
    out.push(current);
    current = undefined;
  }
  if (current !== undefined) out.push(current);
  return out;
}
