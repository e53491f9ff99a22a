// Local sign-in: a token of the development issuer (scripts/dev-token.sh), pasted once and kept in
// this tab's sessionStorage (gone when the tab closes).
import { jwtClaims } from '../format.js';

const KEY = 'controlplane.devToken';

export function devAuth(config) {
  let token = sessionStorage.getItem(KEY);
  const listeners = [];
  const expired = (t) => {
    const c = jwtClaims(t);
    return !c || (typeof c.exp === 'number' && c.exp * 1000 < Date.now());
  };
  if (token && expired(token)) {
    sessionStorage.removeItem(KEY);
    token = null;
  }
  return {
    mode: 'dev',
    hint: config.auth?.devTokenHint || 'scripts/dev-token.sh --tenant contoso --roles Jobs.Submit,Jobs.Read,Jobs.Manage,ControlPlane.Admin',
    signedIn: () => Boolean(token),
    claims: () => (token ? jwtClaims(token) : null),
    token: async () => token,
    /** The pasted text as a token; throws with a reason when it is not a JWT or has expired. */
    parse(pasted) {
      const t = String(pasted || '').trim().replace(/^Bearer\s+/i, '');
      if (!jwtClaims(t)) throw new Error('That is not a token: paste the whole output of the command (three parts separated by dots).');
      if (expired(t)) throw new Error('That token has expired: make a new one.');
      return t;
    },
    /** Keeps a token (checked with parse). */
    signIn(pasted) {
      const t = this.parse(pasted);
      token = t;
      sessionStorage.setItem(KEY, t);
      listeners.forEach((l) => l());
    },
    signOut() {
      token = null;
      sessionStorage.removeItem(KEY);
      listeners.forEach((l) => l());
    },
    onUnauthenticated() {
      // the API refused the token (expired, or from another issuer): ask for a new one
      this.signOut();
    },
    onChange(l) { listeners.push(l); },
  };
}
