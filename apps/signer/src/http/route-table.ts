/** Every route the signer serves, so an unknown path is a 404 and a known path with the wrong method a 405. */
export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Express path, e.g. /policy/:label */
  readonly path: string;
}

export function pathRegex(path: string): RegExp {
  const source = path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

export function allowedMethods(routes: readonly RouteSpec[], path: string): string[] {
  const methods = new Set<string>();
  for (const r of routes) {
    if (pathRegex(r.path).test(path)) {
      methods.add(r.method);
      if (r.method === 'GET') methods.add('HEAD');
    }
  }
  return [...methods];
}
