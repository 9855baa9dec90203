/**
 * Environment variables of the signed identity assertion: a short-lived JWT on every allowed
 * check (X-Gatehouse-Assertion) that an upstream verifies against gatehouse's published keys
 * (/.well-known/jwks.json), so it need not trust the network the identity headers came over.
 */
import { bool, str } from 'envalid';
import { duration } from './validators.ts';

/** The envalid specification of the assertion variables. */
export const ASSERTION_SCHEMA = {
  GATEHOUSE_ASSERTION: bool({
    desc: 'Answer every allowed check with X-Gatehouse-Assertion, a JWT (ES256 or EdDSA) naming the user, groups and roles for the route, verifiable with the keys at /.well-known/jwks.json',
    default: false,
    example: 'on',
  }),
  GATEHOUSE_ASSERTION_ISSUER: str({
    desc: "The assertion's iss; empty: the origin of the sign-in URL (GATEHOUSE_SIGNIN_URL, else GATEHOUSE_REDIRECT_URL), required without browser sign-in",
    default: '',
    example: 'https://auth.example.com',
  }),
  GATEHOUSE_ASSERTION_KEY_FILE: str({
    desc: 'PEM file of one or more private keys (PKCS#8 or SEC1; P-256 for ES256, Ed25519 for EdDSA): the first signs, every one is published; re-read when it changes, and a key that leaves it stays published until its last assertion expires. The same file on every replica. Empty: a P-256 key made at start-up, for one replica only',
    default: '',
    example: '/etc/gatehouse/assertion/keys.pem',
  }),
  GATEHOUSE_ASSERTION_TTL: duration({
    desc: 'Lifetime of an assertion (exp - iat), 10s to 10m; one is reused for the same session, route, method and host until half of it is left',
    default: 60_000,
    example: '1m',
  }),
};
