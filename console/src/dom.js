// A tiny element builder: h('a', { href: '#/jobs', class: 'x' }, 'Jobs'). Text is always text (no innerHTML).
export function h(tag, attrs, ...children) {
  const e = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2).toLowerCase(), v);
      else if (k === 'dataset') Object.assign(e.dataset, v);
      else if (k === 'value' && 'value' in e) e.value = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(e, children);
  return e;
}

export function append(parent, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return parent;
}

export function clear(e) {
  while (e.firstChild) e.firstChild.remove();
  return e;
}

/** Replaces an element's children. */
export function replace(e, ...children) {
  return append(clear(e), children);
}

/** A state badge: its class names the state, for colour; its text names it, for everyone. */
export function stateBadge(state) {
  return h('span', { class: `badge state-${String(state).toLowerCase()}` }, state);
}

/**
 * Asks for confirmation (and optionally a reason) in a modal <dialog>: Tab moves inside it, Esc
 * cancels, Enter confirms. Resolves to { reason } or null when cancelled.
 */
export function askDialog({ title, message, confirmLabel, reasonLabel, danger = false }) {
  return new Promise((resolve) => {
    const reason = reasonLabel ? h('textarea', { id: 'dialog-reason', name: 'reason', rows: 3, maxlength: 500 }) : null;
    const form = h('form', { method: 'dialog', class: 'dialog-form' },
      h('h2', { id: 'dialog-title' }, title),
      message ? h('p', null, message) : null,
      reason ? h('label', { for: 'dialog-reason' }, reasonLabel) : null,
      reason,
      h('div', { class: 'dialog-buttons' },
        h('button', { type: 'button', value: 'cancel', class: 'secondary', id: 'dialog-cancel' }, 'Back'),
        h('button', { type: 'submit', value: 'confirm', class: danger ? 'danger' : 'primary', id: 'dialog-confirm' }, confirmLabel)));
    const dialog = h('dialog', { 'aria-labelledby': 'dialog-title', class: 'dialog' }, form);
    let answered = false;
    const done = (value) => {
      if (answered) return;
      answered = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      done({ reason: reason ? reason.value.trim() : '' });
    });
    form.querySelector('#dialog-cancel').addEventListener('click', () => done(null));
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); done(null); });
    reason?.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
    });
    document.body.append(dialog);
    dialog.showModal();
    (reason || form.querySelector('#dialog-confirm')).focus();
  });
}
