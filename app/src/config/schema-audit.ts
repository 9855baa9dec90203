/**
 * Environment variable of the audit log: a separate stream of security events.
 */
import { str } from 'envalid';

/** The envalid specification of the audit variables. */
export const AUDIT_SCHEMA = {
  GATEHOUSE_AUDIT_LOG: str({
    desc: 'Where security events (sign-in and its failures, sign-out, back-channel logout, refused refresh, key rotation, rate-limit hits, config reload) are written as JSON lines, apart from the service log: off, stdout, stderr, or the absolute path of a file that lines are appended to. No line ever holds a token, a cookie or a password',
    default: 'off',
    example: '/var/log/gatehouse/audit.jsonl',
  }),
};
