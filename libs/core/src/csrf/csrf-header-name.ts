/**
 * How Django names the token header in reasons (`HttpHeaders.parse_header_name` of CSRF_HEADER_NAME):
 * "HTTP_" dropped, "_" turned into "-", then Python's str.title(). So the default X-CSRFToken is
 * reported as 'X-Csrftoken'. Accepts the WSGI form ("HTTP_X_CSRFTOKEN") or the HTTP form.
 */
export function csrfHeaderDisplayName(headerName: string): string {
  const name = headerName.startsWith('HTTP_') ? headerName.slice(5) : headerName;
  let out = '';
  let previousCased = false;
  for (const ch of name.replace(/_/g, '-')) {
    const cased = ch.toLowerCase() !== ch.toUpperCase();
    out += cased ? (previousCased ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    previousCased = cased;
  }
  return out;
}
