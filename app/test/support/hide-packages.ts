/**
 * Loaded with `node --import` before gatehouse: the packages named in HIDE_PACKAGES (comma
 * separated) cannot be resolved, by import or by require, as if they had not been installed, so a
 * test can see how gatehouse starts without them.
 */
import { registerHooks } from 'node:module';

/** The variable naming the packages to hide. */
export const HIDE_PACKAGES = 'HIDE_PACKAGES';

const hidden = (process.env[HIDE_PACKAGES] ?? '').split(',').filter((name) => name !== '');

registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    const name = hidden.find((candidate) => resolved.url.includes(`/node_modules/${candidate}/`));
    if (name !== undefined) {
      // The error Node raises for a package that is not installed.
      throw Object.assign(new Error(`Cannot find package '${name}' imported from ${context.parentURL ?? 'the entry point'}`), { code: 'ERR_MODULE_NOT_FOUND' });
    }
    return resolved;
  },
});
