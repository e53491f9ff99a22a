// Sign-in: locally a development token pasted from scripts/dev-token.sh; in Azure, Entra ID (MSAL.js).
import { h, replace } from '../dom.js';

export function signInPage(ctx) {
  const error = h('div', { class: 'error', role: 'alert', id: 'signin-error' });
  if (ctx.auth.mode !== 'dev') {
    const element = h('section', { class: 'page narrow', 'aria-labelledby': 'page-title' },
      h('h1', { id: 'page-title', tabindex: '-1' }, 'Sign in'),
      h('p', null, 'Sign in with your organisation\u2019s Microsoft Entra ID account.'), error,
      h('button', { type: 'button', class: 'primary', id: 'signin-entra', onclick: async () => {
        try { await ctx.auth.signIn(); } catch (e) { replace(error, e.message); }
      } }, 'Sign in with Microsoft'));
    return { element, refresh: async () => {}, onEvent: () => {}, dispose: () => {} };
  }
  const token = h('textarea', { id: 'dev-token', name: 'token', rows: 5, required: true, spellcheck: 'false', autocomplete: 'off',
    'aria-describedby': 'dev-token-hint' });
  const form = h('form', { id: 'signin-form', onsubmit: async (e) => {
    e.preventDefault();
    replace(error);
    let pasted;
    try {
      pasted = ctx.auth.parse(token.value);
    } catch (err) {
      replace(error, err.message);
      token.focus();
      return;
    }
    // Checked with the control plane before it is kept: a 401 means it does not trust the token.
    // (A 403, a token without the jobs roles, may still open the operators' pages.)
    let answer;
    try {
      answer = await ctx.api.statusWith(pasted, '/api/jobs?limit=1');
    } catch (err) {
      replace(error, `The control plane did not answer: ${err.message}`);
      return;
    }
    if (answer.status === 401) {
      replace(error, `The control plane refused that token: ${answer.problem?.detail || 'unauthenticated'}`);
      token.focus();
      return;
    }
    ctx.signedIn(pasted);
  } },
  h('label', { for: 'dev-token' }, 'Development token'),
  h('p', { id: 'dev-token-hint', class: 'muted' }, 'Make one on this machine with ', h('code', { id: 'dev-token-command' }, ctx.auth.hint),
    ' and paste it here. It is kept in this tab only.'),
  token, error,
  h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  const element = h('section', { class: 'page narrow', 'aria-labelledby': 'page-title' },
    h('h1', { id: 'page-title', tabindex: '-1' }, 'Sign in'),
    h('p', null, 'This control plane trusts the local development issuer.'), form);
  return { element, refresh: async () => {}, onEvent: () => {}, dispose: () => {}, focus: () => token.focus() };
}
