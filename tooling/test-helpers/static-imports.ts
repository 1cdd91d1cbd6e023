import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The packages a module loads when it is imported, following its static imports through relative files: every bare
 * specifier (`viem`, `@cosmjs/amino`, `@openkms/core`, `node:fs`) reached from `entry` without a dynamic `import()`.
 * Each file is compiled as the build compiles it (verbatimModuleSyntax: `import type` is dropped, `import { type A }`
 * still loads its module), so the answer is what Node would load. Relative `.js` specifiers map to the `.ts` sources.
 */
export function staticImportClosure(entry: string): string[] {
  const bare = new Set<string>();
  const seen = new Set<string>();
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const js = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: file,
    }).outputText;
    const source = ts.createSourceFile(file, js, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
    for (const statement of source.statements) {
      const spec =
        (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
        statement.moduleSpecifier !== undefined &&
        ts.isStringLiteral(statement.moduleSpecifier)
          ? statement.moduleSpecifier.text
          : undefined;
      if (spec === undefined) continue;
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else bare.add(spec);
    }
  }
  return [...bare].sort();
}
