/**
 * The few request/response operations the bridge needs, for both Nest HTTP adapters: Express
 * (req/res) and Fastify (FastifyRequest/FastifyReply). Kept here so guards and services stay
 * adapter-agnostic.
 */
type AnyRequest = { headers: Record<string, string | string[] | undefined>; protocol?: string; secure?: boolean; socket?: { encrypted?: boolean }; raw?: AnyRequest };
type AnyResponse = {
  header?: (name: string, value: string | string[]) => unknown;
  getHeader?: (name: string) => unknown;
  setHeader?: (name: string, value: string | string[]) => unknown;
  raw?: AnyResponse;
  statusCode?: number;
};

export function requestHeader(req: unknown, name: string): string | undefined {
  const value = (req as AnyRequest).headers?.[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Sets one cookie on the response, replacing an earlier Set-Cookie of the same name and keeping
 * every other (as Django's response.cookies does), so that committing a request's session more than
 * once (one GraphQL operation runs several resolvers) leaves only the last state.
 */
export function setResponseCookie(res: unknown, name: string, cookie: string): void {
  const r = res as AnyResponse;
  const isFastifyReply = typeof r.header === 'function' && r.raw !== undefined && typeof r.getHeader === 'function';
  const current = (isFastifyReply ? r.getHeader!('set-cookie') : r.getHeader?.('set-cookie')) as string | string[] | undefined;
  const others = current === undefined ? [] : (Array.isArray(current) ? current : [String(current)]).filter((c) => !c.startsWith(`${name}=`));
  const next = [...others, cookie];
  if (isFastifyReply) {
    // Fastify appends set-cookie values on repeated calls; set the list once, from scratch.
    (r as { removeHeader?: (n: string) => void }).removeHeader?.('set-cookie');
    r.header!('set-cookie', next);
  } else if (typeof r.setHeader === 'function') {
    r.setHeader('Set-Cookie', next);
  } else {
    throw new TypeError('The response has no header API (Express res or Fastify reply expected)');
  }
}

export function appendVaryCookie(res: unknown): void {
  const r = res as AnyResponse;
  const current = String(r.getHeader?.('vary') ?? '');
  if (current.split(',').some((v) => v.trim().toLowerCase() === 'cookie' || v.trim() === '*')) return;
  const value = current ? `${current}, Cookie` : 'Cookie';
  if (typeof r.header === 'function' && r.raw !== undefined) r.header('vary', value);
  else r.setHeader!('Vary', value);
}

/** request.is_secure(): TLS on the socket, or a trusted proxy's protocol as Express/Fastify report it. */
export function isSecureRequest(req: unknown): boolean {
  const r = req as AnyRequest;
  if (r.secure === true || r.protocol === 'https') return true;
  return r.raw?.socket?.encrypted === true || r.socket?.encrypted === true;
}
