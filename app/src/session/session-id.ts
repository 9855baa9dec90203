/**
 * Session ids: 16 random bytes (128 bits), base64url, 22 characters. Versions before the compact
 * Redis layout made ids of 24 bytes, 32 characters; the Redis store keeps the sessions with such ids
 * in the layout those versions read and wrote, so they stay valid through an upgrade.
 */
import { randomBytes } from 'node:crypto';

const LEGACY_LENGTH = 32;

/** A fresh, unguessable session id. */
export const newSessionId = (): string => randomBytes(16).toString('base64url');

/** True for an id made by a version before the compact layout (its session is a Redis hash). */
export const isLegacySessionId = (id: string): boolean => id.length === LEGACY_LENGTH;
