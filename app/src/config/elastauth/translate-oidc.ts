/**
 * elastauth's `oidc` section: the provider and client, the Bearer-token validation mode and the
 * claim mappings (into gatehouse's native `claims` section).
 */
import { checkKnownKeys, isRecord, own, readBool, readChoice, readList, readNonEmpty, readSection, readString, type Translation } from './read-value.ts';

const OIDC_KEYS = [
  'issuer', 'client_id', 'client_secret', 'scopes', 'claim_mappings', 'token_validation', 'use_pkce',
  'client_auth_method', 'authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'custom_headers',
];
/** elastauth's claim mapping keys, gatehouse's field names, and elastauth's defaults. */
const CLAIM_FIELDS: ReadonlyArray<readonly [key: string, field: string, fallback: string]> = [
  ['username', 'username', 'preferred_username'],
  ['email', 'email', 'email'],
  ['groups', 'groups', 'groups'],
  ['full_name', 'name', 'name'],
];
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

function translateProvider(section: Readonly<Record<string, unknown>>, out: Translation, problems: string[]): void {
  const issuer = readNonEmpty(own(section, 'issuer'), 'oidc.issuer', problems);
  if (issuer !== undefined) {
    if (URL.canParse(issuer) && /^https?:$/.test(new URL(issuer).protocol)) out.env.GATEHOUSE_OIDC_ISSUER_URL = issuer;
    else problems.push('oidc.issuer: expected an http(s) URL');
  }
  const clientId = readNonEmpty(own(section, 'client_id'), 'oidc.client_id', problems);
  if (clientId !== undefined) out.env.GATEHOUSE_OIDC_CLIENT_ID = clientId;
  const secret = readNonEmpty(own(section, 'client_secret'), 'oidc.client_secret', problems);
  if (secret !== undefined) out.env.GATEHOUSE_OIDC_CLIENT_SECRET = secret;
  const scopes = readList(own(section, 'scopes'), 'oidc.scopes', problems);
  if (scopes !== undefined) {
    const bad = scopes.filter((scope) => !SCOPE_TOKEN.test(scope));
    if (bad.length > 0) problems.push(`oidc.scopes: ${bad.map((s) => JSON.stringify(s)).join(', ')} is not a valid scope`);
    else if (!scopes.includes('openid')) problems.push('oidc.scopes: must include openid');
    else out.env.GATEHOUSE_OIDC_SCOPES = [...new Set(scopes)].join(' ');
  }
  const mode = readChoice(own(section, 'token_validation'), ['jwks', 'userinfo', 'both'], 'oidc.token_validation', problems);
  if (mode !== undefined) out.env.GATEHOUSE_BEARER_VALIDATION = mode;
  if (readBool(own(section, 'use_pkce'), 'oidc.use_pkce', problems) === false) {
    problems.push('oidc.use_pkce: false is not supported; gatehouse always uses PKCE (S256) for its sign-in, as elastauth forced it on too');
  }
}

function translateOverrides(section: Readonly<Record<string, unknown>>, out: Translation, problems: string[]): void {
  // elastauth validates tokens with these two; gatehouse only trusts what discovery publishes,
  // so ignoring an override would validate against other keys or another endpoint than configured.
  for (const key of ['userinfo_endpoint', 'jwks_uri']) {
    if (own(section, key) !== undefined) {
      problems.push(`oidc.${key}: overrides are not supported; gatehouse reads it from the issuer's discovery document`);
    }
  }
  // elastauth never used these (it has no browser sign-in), so dropping them changes nothing.
  for (const key of ['authorization_endpoint', 'token_endpoint']) {
    if (own(section, key) !== undefined) out.warnings.push(`oidc.${key}: ignored; gatehouse reads it from the issuer's discovery document`);
  }
  const method = readString(own(section, 'client_auth_method'), 'oidc.client_auth_method', problems);
  if (method !== undefined && method !== 'client_secret_basic') {
    out.warnings.push(`oidc.client_auth_method: ignored; gatehouse authenticates its client with client_secret_basic`);
  }
  if (own(section, 'custom_headers') !== undefined) {
    out.warnings.push('oidc.custom_headers: ignored; gatehouse sends no extra headers to the userinfo endpoint');
  }
}

/** A claim name holding `://` or starting `urn:` is one exact name, not a dotted path. */
function claimRef(name: string): Record<string, string> {
  return name.includes('://') || name.startsWith('urn:') ? { claim: name } : { path: name };
}

function translateClaims(section: Readonly<Record<string, unknown>>, hasNativeClaims: boolean, out: Translation, problems: string[]): void {
  const raw = own(section, 'claim_mappings');
  if (hasNativeClaims) {
    if (raw !== undefined) problems.push('oidc.claim_mappings: the file also has a claims section; keep only one of them');
    return;
  }
  if (raw !== undefined && raw !== null && !isRecord(raw)) {
    problems.push('oidc.claim_mappings: expected a mapping');
    return;
  }
  const mappings = isRecord(raw) ? raw : {};
  checkKnownKeys(mappings, CLAIM_FIELDS.map(([key]) => key), 'oidc.claim_mappings', problems);
  const claims: Record<string, unknown> = {};
  for (const [key, field, fallback] of CLAIM_FIELDS) {
    const name = readNonEmpty(own(mappings, key), `oidc.claim_mappings.${key}`, problems) ?? fallback;
    claims[field] = claimRef(name);
  }
  out.sections.claims = claims;
}

/**
 * Translates the `oidc` section. The claims mapping is emitted whenever the section is present,
 * with elastauth's defaults (`preferred_username`, `email`, `groups`, `name`) for fields it does
 * not name, because that is what the section means in elastauth; a native `claims` section in the
 * same file takes precedence and an explicit `claim_mappings` next to it is a problem.
 */
export function translateOidc(value: unknown, hasNativeClaims: boolean, out: Translation, problems: string[]): void {
  const section = readSection(value, 'oidc', problems);
  if (!section) return;
  checkKnownKeys(section, OIDC_KEYS, 'oidc', problems);
  translateProvider(section, out, problems);
  translateOverrides(section, out, problems);
  translateClaims(section, hasNativeClaims, out, problems);
}
