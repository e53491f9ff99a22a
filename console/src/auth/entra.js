// Sign-in with Entra ID through MSAL.js (@azure/msal-browser): the authorization code flow with PKCE
// by redirect, for the console's app registration (config.auth.clientId), asking tokens for the
// API's scope (config.auth.scopes). Loaded only when config.auth.mode is 'entra' (its own chunk).
import { PublicClientApplication, InteractionRequiredAuthError } from '@azure/msal-browser';
import { jwtClaims } from '../format.js';

export async function entraAuth(config) {
  const { clientId, authority, scopes } = config.auth || {};
  if (!clientId) {
    throw new Error('The console has no Entra ID app registration: set CONSOLE_CLIENT_ID (and CONSOLE_API_SCOPE) on the host, or clientId in config.json.');
  }
  const redirectUri = `${location.origin}${location.pathname}`;
  const msal = new PublicClientApplication({
    auth: { clientId, authority, redirectUri, postLogoutRedirectUri: redirectUri },
    cache: { cacheLocation: 'sessionStorage' },
  });
  await msal.initialize();
  const answer = await msal.handleRedirectPromise();
  if (answer?.account) msal.setActiveAccount(answer.account);
  if (!msal.getActiveAccount() && msal.getAllAccounts().length > 0) msal.setActiveAccount(msal.getAllAccounts()[0]);
  const listeners = [];
  let claims = null;
  const request = () => ({ scopes: scopes?.length ? scopes : [], account: msal.getActiveAccount() });

  async function token() {
    if (!msal.getActiveAccount()) return null;
    try {
      const r = await msal.acquireTokenSilent(request());
      claims = jwtClaims(r.accessToken) || r.idTokenClaims || claims; // the access token's roles are what the API checks
      return r.accessToken;
    } catch (e) {
      if (e instanceof InteractionRequiredAuthError) {
        await msal.acquireTokenRedirect(request());
        return null;
      }
      throw e;
    }
  }

  return {
    mode: 'entra',
    signedIn: () => Boolean(msal.getActiveAccount()),
    account: () => msal.getActiveAccount(),
    claims: () => claims || msal.getActiveAccount()?.idTokenClaims || null,
    token,
    async signIn() {
      await msal.loginRedirect({ scopes: request().scopes });
    },
    signOut() {
      msal.logoutRedirect({ account: msal.getActiveAccount() });
    },
    onUnauthenticated() {
      listeners.forEach((l) => l());
    },
    onChange(l) { listeners.push(l); },
  };
}
