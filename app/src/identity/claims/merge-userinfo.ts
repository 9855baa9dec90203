/**
 * Merges UserInfo claims into ID token claims the way Elastic's OIDC realm does: the ID token
 * keeps its scalar values, arrays become the union (ID token order first), and objects merge
 * key by key. The ID token is signed and checked for audience and expiry; UserInfo is only as
 * trustworthy as the channel, so it may add claims but not replace them.
 */

/** The merged claims, or none when UserInfo must not be used at all. */
export interface MergedClaims {
  readonly claims?: Record<string, unknown>;
  readonly problems: string[];
}

/** Deeper nesting than this keeps the ID token's value; real claims are a few levels deep. */
const MAX_DEPTH = 16;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function quote(name: string): string {
  return JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}…` : name);
}

function union(fromToken: readonly unknown[], extra: unknown): unknown[] {
  const result = [...fromToken];
  const seen = new Set(fromToken);
  for (const item of Array.isArray(extra) ? extra : [extra]) {
    if (!seen.has(item)) {
      seen.add(item);
      result.push(item);
    }
  }
  return result;
}

function mergeObjects(
  token: Record<string, unknown>,
  info: Record<string, unknown>,
  prefix: string,
  depth: number,
  problems: string[],
): Record<string, unknown> {
  // A null prototype so that a claim named __proto__ stays an ordinary key.
  const merged: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(token)) merged[key] = token[key];
  for (const key of Object.keys(info)) {
    const extra = info[key];
    if (!Object.hasOwn(token, key)) {
      merged[key] = extra;
      continue;
    }
    const kept = token[key];
    const name = prefix + key;
    if (Array.isArray(kept)) merged[key] = union(kept, extra);
    else if (isObject(kept) && isObject(extra) && depth < MAX_DEPTH) {
      merged[key] = mergeObjects(kept, extra, `${name}.`, depth + 1, problems);
    } else if (kindOf(kept) !== kindOf(extra)) {
      problems.push(
        `claim ${quote(name)} is ${kindOf(kept)} in the ID token but ${kindOf(extra)} in UserInfo; the ID token's value was kept`,
      );
    }
  }
  return merged;
}

/**
 * Merges `userinfo` into `idToken`. Per OpenID Connect Core §5.3.2 the UserInfo `sub` must equal
 * the ID token's `sub`; otherwise the response may belong to someone else and no claims are
 * returned, so sign-in fails as it does in Elastic.
 */
export function mergeUserinfoClaims(
  idToken: Readonly<Record<string, unknown>>,
  userinfo: Readonly<Record<string, unknown>>,
): MergedClaims {
  const tokenSub = Object.hasOwn(idToken, 'sub') ? idToken.sub : undefined;
  const infoSub = Object.hasOwn(userinfo, 'sub') ? userinfo.sub : undefined;
  if (typeof tokenSub !== 'string' || tokenSub !== infoSub) {
    return {
      problems: ['the UserInfo response is for a different subject (its sub does not match the ID token), so it was not used'],
    };
  }
  const problems: string[] = [];
  return { claims: mergeObjects(idToken, userinfo, '', 0, problems), problems };
}
