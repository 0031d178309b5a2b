// A real OpenID provider for the browser tests (tests/web/test_oidc.py): the npm package
// oidc-provider (8.x, the last line that supports Node.js 20) on 127.0.0.1, with its development
// login and consent pages ("devInteractions": any login name is the `sub`, any password).
//
//   node tests/web/oidc_provider.mjs        configuration in the environment:
//     OIDC_TEST_CLIENT    JSON {client_id, client_secret, redirect_uri}
//     OIDC_TEST_ACCOUNTS  JSON {login: {claim: value, ...}, ...}: the claims of each test user
//                         ("amr" and "acr": how the user logged in, only in the ID token)
//     OIDC_TEST_LIFETIME  seconds before the process stops by itself (default 300)
//
// Prints one line "READY <issuer>" once it listens (on a free port), and stops on SIGTERM, when its
// standard input closes (the test process died) or after OIDC_TEST_LIFETIME seconds.
import http from 'node:http';

import Provider from 'oidc-provider';

const client = JSON.parse(process.env.OIDC_TEST_CLIENT);
const accounts = JSON.parse(process.env.OIDC_TEST_ACCOUNTS || '{}');
const lifetime = Number(process.env.OIDC_TEST_LIFETIME || 300);

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.client_id,
        client_secret: client.client_secret,
        redirect_uris: [client.redirect_uri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    async findAccount(ctx, id) {
      return {
        accountId: id,
        async claims() {
          const { amr, acr, ...claims } = accounts[id] || {};
          return { sub: id, ...claims };
        },
      };
    },
    claims: {
      openid: ['sub', 'acr', 'amr'], // acr/amr: how this login went (ID token only)
      email: ['email'],
      profile: ['given_name', 'family_name', 'name'],
      ips: ['ips_rol', 'ips_organisatie'],
    },
    scopes: ['openid', 'email', 'profile', 'ips'],
    pkce: { required: () => true },
    cookies: { keys: ['ips-loket-test-only'] },
    features: { devInteractions: { enabled: true } },
  });
  // How this test user logged in at the provider (an account's "amr"/"acr"): what a real provider
  // with its own second factor puts in the ID token. The development login pages set neither.
  const finished = provider.interactionFinished.bind(provider);
  provider.interactionFinished = (req, res, result, options) => {
    const account = result.login && accounts[result.login.accountId];
    if (account) {
      Object.assign(result.login, account.amr ? { amr: account.amr } : {}, account.acr ? { acr: account.acr } : {});
    }
    return finished(req, res, result, options);
  };
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  server.on('request', provider.callback());
  console.log(`READY ${issuer}`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
setTimeout(() => process.exit(0), lifetime * 1000).unref();
