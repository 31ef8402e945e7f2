// A real OpenID Connect provider for the sign-in tests: panva's oidc-provider (OpenID
// certified), started by tests/oidc_provider.py on a free port and stopped after the run.
//
// Configured by environment variables, all JSON but the port:
//   OIDC_PORT      the port on 127.0.0.1 to listen on (the issuer is http://127.0.0.1:PORT)
//   OIDC_CLIENTS   the registered clients: [{client_id, client_secret, redirect_uris}]
//   OIDC_ACCOUNTS  the people it knows: {"login": {email, email_verified, name, ...}}
//
// Its own development login page takes a login name (a key of OIDC_ACCOUNTS) and any
// password. Consent is given once the person has signed in (loadExistingGrant),
// as a municipality's provider does for an application its IT department registered.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const clients = JSON.parse(process.env.OIDC_CLIENTS);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    ...client,
  })),
  async findAccount(ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'upn'],
  },
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
