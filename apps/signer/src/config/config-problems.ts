import { ErrorCode, openKmsError, type OpenKmsError } from '@openkms/core';

/** One error found in a config file, with the dotted path of the offending key. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * One config_invalid error for a list of problems: the message is the first problem (and how many more there are),
 * `context.path` its dotted path, `context.errors` every problem's message. `openkms config check` prints them all.
 */
export function configError(file: string, problems: readonly ConfigProblem[]): OpenKmsError {
  const first = problems[0] ?? { path: '(root)', message: 'invalid configuration' };
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more error${problems.length > 2 ? 's' : ''}; run openkms config check)` : '';
  return openKmsError(ErrorCode.configInvalid, `${file}: ${first.message}${more}`, {
    file,
    path: first.path,
    errors: problems.map((p) => p.message),
  });
}
