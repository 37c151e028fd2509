/** Sets a response header on Express's and Fastify's response objects alike. */
export function setHeader(res: unknown, name: string, value: string): void {
  const r = res as { header?: (n: string, v: string) => unknown; setHeader?: (n: string, v: string) => unknown };
  if (typeof r.setHeader === 'function') r.setHeader(name, value);
  else r.header?.(name, value);
}

/** The request's path, without the query string. */
export function requestPath(req: unknown): string {
  const r = req as { originalUrl?: string; url?: string };
  return (r.originalUrl ?? r.url ?? '/').split('?', 1)[0];
}
