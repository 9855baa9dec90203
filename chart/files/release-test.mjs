// `helm test`: checks a running release through its Service, as ingress-nginx would reach it.
// Needs only Node (the gatehouse image has no curl or shell guarantees). Exits 1 on the first failure.
const base = process.env.GATEHOUSE_URL;
const clientId = process.env.EXPECT_CLIENT_ID;
const redirectUrl = process.env.EXPECT_REDIRECT_URL;
const attempts = Number(process.env.READY_ATTEMPTS ?? '30');

function fail(message) {
  console.error(`FAIL ${message}`);
  process.exit(1);
}

const get = (path) => fetch(new URL(path, base), { redirect: 'manual', signal: AbortSignal.timeout(5000) });

// A fresh install may still be loading the provider's discovery: wait for readiness, bounded.
let ready;
for (let i = 0; i < attempts; i++) {
  try {
    ready = await get('/readyz');
    if (ready.status === 200) break;
  } catch (error) {
    ready = undefined;
    if (i === attempts - 1) fail(`/readyz: ${error.message}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
}
if (ready?.status !== 200) fail(`/readyz answered ${ready?.status}: ${await ready?.text()}`);
console.log('ok /readyz answers 200: provider discovery loaded, session store reachable');

const auth = await get('/oauth2/auth');
if (auth.status !== 401) fail(`/oauth2/auth without a session answered ${auth.status}, want 401`);
console.log('ok /oauth2/auth answers 401 without a session');

const start = await get('/oauth2/start?rd=%2F');
if (process.env.EXPECT_SIGN_IN === 'false') {
  // Bearer tokens and trusted headers have no browser sign-in: the routes must not exist.
  if (start.status !== 404) fail(`/oauth2/start answered ${start.status}, want 404: only authProvider=login signs browsers in`);
  console.log('ok /oauth2/start answers 404: no browser sign-in with this identity source');
  process.exit(0);
}
const location = start.headers.get('location') ?? '';
if (start.status !== 302 || !/^https?:\/\//.test(location)) fail(`/oauth2/start answered ${start.status} (${location}), want 302 to the provider`);
const params = new URL(location).searchParams;
if (params.get('client_id') !== clientId) fail(`sign-in uses client_id ${params.get('client_id')}, want ${clientId}`);
if (params.get('redirect_uri') !== redirectUrl) fail(`sign-in uses redirect_uri ${params.get('redirect_uri')}, want ${redirectUrl}`);
console.log(`ok /oauth2/start sends the browser to ${new URL(location).origin} with client ${clientId}`);
