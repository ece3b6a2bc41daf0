/**
 * Removes secrets from text that may reach logs, errors or clients: bearer tokens, API keys in
 * common shapes, and any exact secret the caller knows about (a deployment's own key).
 */

const MAX_BODY_CHARS = 2_000;

// Key shapes of the providers we talk to, plus generic "key": "..." JSON fields.
const SECRET_PATTERNS: readonly RegExp[] = [
  /\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\b(AKIA|ASIA)[0-9A-Z]{12,}/g,
  /\bya29\.[0-9A-Za-z._-]{10,}/g,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /("(?:api[_-]?key|authorization|x-api-key|token|secret|password|access_token)"\s*:\s*")[^"]*(")/gi,
];

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 4) out = out.split(secret).join('[REDACTED]');
  }
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match: string, ...groups: unknown[]) => {
      const first = groups[0];
      const second = groups[1];
      if (typeof first === 'string' && typeof second === 'string' && match.endsWith('"')) {
        return `${first}[REDACTED]${second}`;
      }
      if (typeof first === 'string' && /^bearer/i.test(first)) return `${first}[REDACTED]`;
      return '[REDACTED]';
    });
  }
  return out;
}

/** Redacts and truncates an upstream body for inclusion in an error. */
export function redactUpstreamBody(body: string, knownSecrets: readonly string[] = []): string {
  const clipped =
    body.length > MAX_BODY_CHARS ? `${body.slice(0, MAX_BODY_CHARS)}…[truncated]` : body;
  return redactSecrets(clipped, knownSecrets);
}
