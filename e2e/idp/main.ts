// Runs the test IdP on its own:
//   node e2e/idp/main.ts --port 9400 --client-id demo --client-secret s3cret \
//     --redirect-uri http://localhost:8080/oauth2/callback [--post-logout-redirect-uri …]
//     [--backchannel-logout-uri …] [--access-token-ttl 300]
import { parseArgs } from 'node:util';
import { DEMO_USERS, startTestIdp } from './test-idp.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9400' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'post-logout-redirect-uri': { type: 'string', multiple: true },
    'backchannel-logout-uri': { type: 'string' },
    'access-token-ttl': { type: 'string', default: '300' },
  },
  strict: true,
});

const clientId = values['client-id'];
const clientSecret = values['client-secret'];
const redirectUris = values['redirect-uri'] ?? [];
if (clientId === undefined || clientSecret === undefined || redirectUris.length === 0) {
  console.error('usage: main.ts --port N --client-id ID --client-secret SECRET --redirect-uri URL [--post-logout-redirect-uri URL]');
  process.exit(2);
}

const idp = await startTestIdp({
  port: Number(values.port),
  accessTokenTtlSeconds: Number(values['access-token-ttl']),
  clients: [
    {
      clientId,
      clientSecret,
      redirectUris,
      postLogoutRedirectUris: values['post-logout-redirect-uri'] ?? [],
      ...(values['backchannel-logout-uri'] === undefined ? {} : { backchannelLogoutUri: values['backchannel-logout-uri'] }),
    },
  ],
});
console.log(idp.issuer);
console.error(`test IdP ready; users: ${DEMO_USERS.map((u) => `${u.login}/${u.password}`).join(', ')}`);

const shutdown = (): void => {
  void idp.close().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
