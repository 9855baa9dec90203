/**
 * Who a request to the Elasticsearch stand-in (not Elasticsearch) comes from: an access token the
 * token service issued (`Authorization: Bearer`), the file realm's admin, or a native user, both
 * by `Authorization: Basic`.
 */
import { basicCredentials } from './requests.ts';
import type { TokenService } from './token-service.ts';
import type { StandInUser, UserTable } from './user-table.ts';

/** A realm as `_authenticate` names it. */
export interface CallerRealm {
  readonly name: string;
  readonly type: string;
}

/** An authenticated caller; `token` when it came with an access token. */
export interface Caller {
  readonly user: StandInUser;
  readonly realm: CallerRealm;
  readonly token?: boolean;
}

/** The file realm's admin. */
export interface StandInAdmin {
  readonly username: string;
  readonly password: string;
  readonly roles: readonly string[];
}

const FILE_REALM: CallerRealm = { name: 'default_file', type: 'file' };
const NATIVE_REALM: CallerRealm = { name: 'default_native', type: 'native' };

/** Tells the caller of an `Authorization` header; a Bearer token that is expired or malformed says so. */
export type CallerLookup = (authorization: string | undefined) => Caller | 'expired' | 'malformed' | undefined;

/** Creates the lookup over the admin, the native users and the issued tokens. */
export function createCallerLookup(admin: StandInAdmin, table: UserTable, tokens: TokenService): CallerLookup {
  return (authorization) => {
    const bearer = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    if (bearer !== undefined) {
      const owner = tokens.owner(bearer);
      return typeof owner === 'string' ? owner : { user: owner.user, realm: owner.realm, token: true };
    }
    const credentials = basicCredentials(authorization);
    if (!credentials) return undefined;
    const { username, password } = credentials;
    if (username === admin.username && password === admin.password) {
      const user = { username, roles: [...admin.roles], full_name: null, email: null, metadata: {}, enabled: true };
      return { user, realm: FILE_REALM };
    }
    const user = table.authenticate(username, password);
    return user ? { user, realm: NATIVE_REALM } : undefined;
  };
}
