/** Query parameters whose value may be a credential: a client that put its key in the URL must not see it logged. */
const SECRET_PARAM = /^(access_token|api_key|apikey|key|token|authorization|auth|password|secret)$/i;

/** The URL as logs show it: the value of every credential-like query parameter replaced. */
export function logUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const params = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=', 1)[0];
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // A broken name is logged as sent: it cannot be one of the names above anyway.
      }
      return SECRET_PARAM.test(decoded) && pair.includes('=') ? `${name}=[REDACTED]` : pair;
    });
  return `${url.slice(0, query)}?${params.join('&')}`;
}
