/**
 * Environment variables of the pages gatehouse shows people (the denied page).
 */
import { bool } from 'envalid';

/** The envalid specification of the page variables. */
export const PAGES_SCHEMA = {
  GATEHOUSE_SHOW_DENIAL_DETAILS: bool({
    desc: 'Say on the denied page what the route requires (e.g. "membership of admins"); off, it says only that access is not allowed. The words name the groups, roles, emails and claim values of the route policy, never its networks or paths',
    default: false,
  }),
};
