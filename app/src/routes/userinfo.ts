/** GET /oauth2/userinfo — the signed-in identity as JSON, or 401. */
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps.ts';
import { AppError } from '../errors.ts';

/** Creates the userinfo handler. */
export function createUserinfoRoute(deps: AppDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const resolved = await deps.sessions.resolve(req.headers.cookie);
    if (resolved.state !== 'active') {
      throw new AppError(resolved.state === 'expired' ? 'SESSION_EXPIRED' : 'SESSION_MISSING', `no session (${resolved.state})`);
    }
    const { identity } = resolved.record;
    res.json({
      user: identity.user,
      email: identity.email ?? null,
      groups: identity.groups,
      roles: deps.viewOf(identity).roles,
      preferred_username: identity.preferredUsername ?? null,
      name: identity.name ?? null,
    });
  };
}
