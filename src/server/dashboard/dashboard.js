// The mock's dashboard (/__mock/): plain browser JavaScript, no build step, served as it is. It reads
// the control plane's JSON (openapi/mock-control.yaml) and writes every value with textContent, never
// as HTML. Elements the browser tests use carry a data-testid.
'use strict';

(function dashboard() {
  const REFRESH_MS = 2000;
  const $ = (selector) => document.querySelector(selector);

  // ---- talking to the control plane ---------------------------------------------------------------

  // Beyond the loopback /__mock needs a token: the start banner's link `/__mock/?token=...` hands it
  // over once; it is kept for this tab (sessionStorage, which the docs page shares) and taken out of
  // the address bar, and sent as `Authorization: Bearer` on every request to the control plane.
  const TOKEN_KEY = 'org-contract-control-token';
  const linked = new URLSearchParams(location.search).get('token');
  if (linked) {
    window.sessionStorage.setItem(TOKEN_KEY, linked);
    const url = new window.URL(location.href);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }

  async function request(method, path, body) {
    const init = { method, headers: { accept: 'application/json' } };
    const token = window.sessionStorage.getItem(TOKEN_KEY);
    if (token) init.headers.authorization = `Bearer ${token}`;
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${data && data.message ? data.message : ''}`.trim());
    return data;
  }
  const get = (path) => request('GET', path);
  const post = (path, body) => request('POST', path, body);

  let statusTimer;
  function say(message, kind) {
    const status = $('#status');
    status.textContent = message;
    status.dataset.kind = kind || 'info';
    clearTimeout(statusTimer);
    if (kind !== 'error') statusTimer = setTimeout(() => (status.textContent = ''), 4000);
  }

  // ---- small DOM helpers ----------------------------------------------------------------------------

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') node.textContent = String(value);
      else if (name === 'onclick') node.addEventListener('click', value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) if (child !== undefined && child !== null) node.append(child);
    return node;
  }

  /** `pendingInvitations` → `pending invitations`. */
  const words = (key) => key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  /** `Access token` → `access token`, `API key` stays. */
  const lowerFirst = (text) => (/^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text);
  const shorten = (text, keep) => (text.length > keep ? `${text.slice(0, keep)}…` : text);
  const slug = (text) => String(text).replace(/[^A-Za-z0-9_-]+/g, '-');

  function headerRow(table, labels) {
    const head = table.querySelector('thead');
    head.replaceChildren(el('tr', {}, ...labels.map((label) => el('th', { scope: 'col', text: label }))));
  }

  // ---- copying --------------------------------------------------------------------------------------

  /** The Clipboard API where the page may use it (a secure context: localhost, 127.0.0.1), else a selected textarea and execCommand. */
  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch {
        // Refused (no permission, no focus): try the old way.
      }
    }
    const area = el('textarea', { readonly: true, class: 'offscreen', 'aria-hidden': 'true' });
    area.value = text;
    document.body.append(area);
    area.select();
    let copied = false;
    try {
      copied = document.execCommand('copy');
    } catch {
      copied = false;
    }
    area.remove();
    return copied;
  }

  /** A value shown shortened, with a Copy button for the whole of it. */
  function copyCell(value, what, testId, keep) {
    const code = el('code', { title: value, text: shorten(value, keep || 18) });
    const button = el('button', {
      type: 'button',
      class: 'copy',
      'aria-label': `Copy ${what}`,
      'data-testid': testId,
      'data-value': value,
      text: 'Copy',
    });
    button.addEventListener('click', async () => {
      if (await copyText(value)) {
        button.textContent = 'Copied';
        button.dataset.copied = 'true';
        say(`Copied ${what}.`);
        setTimeout(() => {
          button.textContent = 'Copy';
          delete button.dataset.copied;
        }, 1500);
      } else {
        // Nothing could copy: show the whole value, selected, to copy by hand.
        code.textContent = value;
        window.getSelection().selectAllChildren(code);
        say(`Could not copy ${what}: it is selected, copy it by hand.`, 'error');
      }
    });
    return el('span', { class: 'copyable' }, code, button);
  }

  // ---- principals -----------------------------------------------------------------------------------

  const PRINCIPAL_LABELS = {
    name: 'Name',
    role: 'Role',
    orgId: 'Organization',
    email: 'Email',
    password: 'Password',
    accessToken: 'Access token',
    sessionToken: 'Session cookie',
    apiKey: 'API key',
    userId: 'User id',
    memberId: 'Member id',
  };
  const PLAIN = new Set(['name', 'role', 'email']);
  /** Shown in the role's cell rather than in a column of their own. */
  const FLAGS = { isSuperAdmin: 'super admin' };
  let organizationNames = new Map();
  let principalsSignature = '';

  function principalColumns(principals) {
    const keys = [];
    for (const p of principals) for (const key of Object.keys(p)) if (!keys.includes(key)) keys.push(key);
    const known = Object.keys(PRINCIPAL_LABELS).filter((key) => keys.includes(key));
    return [...known, ...keys.filter((key) => !known.includes(key) && !(key in FLAGS))];
  }

  function principalCell(principal, key) {
    const value = principal[key];
    const label = PRINCIPAL_LABELS[key] || words(key);
    if (key === 'orgId') {
      if (value === null || value === undefined) return el('td', { class: 'muted', text: 'none' });
      return el('td', { title: value, text: organizationNames.get(value) || shorten(value, 13) });
    }
    if (key === 'role') {
      const flags = Object.entries(FLAGS).filter(([flag]) => principal[flag] === true);
      return el(
        'td',
        {},
        el('span', { class: value ? undefined : 'muted', text: value || 'none' }),
        ...flags.map(([flag, text]) => el('span', { class: 'badge', 'data-flag': flag, text })),
      );
    }
    if (typeof value === 'boolean') return el('td', { text: value ? 'yes' : '' });
    if (value === null || value === undefined) return el('td', { class: 'muted', text: 'cannot sign in' });
    if (PLAIN.has(key)) return el('td', { text: value });
    if (typeof value !== 'string') return el('td', { text: JSON.stringify(value) });
    return el('td', {}, copyCell(value, `the ${lowerFirst(label)} of ${principal.name}`, `copy-${slug(principal.name)}-${key}`, key === 'password' ? 20 : 12));
  }

  function renderPrincipals(data) {
    const principals = data.principals || [];
    const table = $('#principals-table');
    const columns = principalColumns(principals);
    headerRow(
      table,
      columns.map((key) => PRINCIPAL_LABELS[key] || words(key)),
    );
    table
      .querySelector('tbody')
      .replaceChildren(
        ...principals.map((p) =>
          el('tr', { 'data-testid': `principal-row-${slug(p.name)}`, 'data-principal': p.name }, ...columns.map((key) => principalCell(p, key))),
        ),
      );
    // Seeded credentials that belong to no principal (Tours: an expired key, a revoked key, a pending invitation).
    const extras = Object.entries(data).filter(([key]) => key !== 'principals');
    const box = $('#principal-extras');
    box.replaceChildren();
    if (extras.length === 0) return;
    const list = el('dl', { class: 'extras' });
    for (const [key, value] of extras) {
      list.append(el('dt', { text: words(key) }));
      if (typeof value === 'string') list.append(el('dd', {}, copyCell(value, `the ${words(key)}`, `copy-extra-${key}`, 20)));
      else if (value && typeof value === 'object') {
        const parts = Object.entries(value).map(([field, v]) =>
          field === 'token'
            ? el('span', { class: 'part' }, `${field}: `, copyCell(String(v), `the ${words(key)} ${field}`, `copy-extra-${key}-${field}`, 14))
            : el('span', { class: 'part', text: `${field}: ${String(v)}` }),
        );
        list.append(el('dd', {}, ...parts));
      }
    }
    box.append(el('h3', { text: 'Other seeded credentials' }), list);
  }

  async function loadPrincipals() {
    const data = await get('/__mock/principals');
    principalsSignature = signature(data);
    renderPrincipals(data);
  }

  /** What a re-render would change apart from fresh tokens (roles, organizations, who can sign in). */
  function signature(data) {
    return JSON.stringify((data.principals || []).map((p) => [p.name, p.role, p.orgId, p.email, p.accessToken === null]));
  }

  // ---- organizations --------------------------------------------------------------------------------

  async function loadOrganizations() {
    const data = await get('/__mock/organizations');
    const organizations = data.organizations || [];
    organizationNames = new Map(organizations.map((o) => [o.id, o.name]));
    const countKeys = [];
    for (const o of organizations) for (const key of Object.keys(o.counts)) if (!countKeys.includes(key)) countKeys.push(key);
    const table = $('#organizations-table');
    headerRow(table, ['Name', 'Id', ...countKeys.map(words), 'Roles']);
    table.querySelector('tbody').replaceChildren(
      ...organizations.map((o) =>
        el(
          'tr',
          { 'data-testid': `organization-row-${slug(o.id)}` },
          el('th', { scope: 'row', text: o.name }),
          el('td', {}, copyCell(o.id, `the id of ${o.name}`, `copy-organization-${slug(o.id)}`, 13)),
          ...countKeys.map((key) => el('td', { class: 'number', 'data-count': key, text: o.counts[key] ?? 0 })),
          el('td', {
            class: 'wrap',
            text:
              Object.entries(o.roles)
                .map(([role, count]) => `${role} ${count}`)
                .join(' · ') || '—',
          }),
        ),
      ),
    );
    $('#orgless-users').textContent = `Users with no organization: ${data.usersWithoutOrganization}.`;
  }

  // ---- last requests --------------------------------------------------------------------------------

  let requestsTotal = -1;
  let paused = false;

  /** Reads the last requests; true when some came in since the last read. */
  async function loadRequests() {
    const data = await get('/__mock/requests');
    const changed = data.total !== requestsTotal;
    requestsTotal = data.total;
    $('#requests-total').textContent = `${data.requests.length} shown of ${data.total} since start (the last ${data.capacity} are kept).`;
    if (!changed) return false;
    $('#requests-table tbody').replaceChildren(
      ...data.requests.map((r) =>
        el(
          'tr',
          { 'data-testid': 'request-row', 'data-status': r.status, class: `status-${Math.floor(r.status / 100)}xx` },
          el('td', { title: r.time, text: new Date(r.time).toLocaleTimeString() }),
          el('td', { text: r.method }),
          el('td', { class: 'path', text: r.path }),
          el('td', { class: 'number', text: r.status }),
          el('td', { class: 'number', text: r.ms.toFixed(1) }),
          el('td', { 'data-testid': 'request-principal', text: r.principal }),
          el('td', { class: 'muted', title: r.requestId, text: shorten(r.requestId, 8) }),
        ),
      ),
    );
    return true;
  }

  // ---- outbox ---------------------------------------------------------------------------------------

  async function validateUser(userId, button) {
    button.disabled = true;
    try {
      await post(`/__mock/users/${encodeURIComponent(userId)}/validate`);
      say('The user is validated: they can sign in now.');
      await refreshAll();
    } catch (error) {
      button.disabled = false;
      say(error.message, 'error');
    }
  }

  function outboxAction(email) {
    if (email.acceptUrl) {
      return el(
        'td',
        {},
        el('a', { href: email.acceptUrl, target: '_blank', rel: 'noopener', 'data-testid': 'outbox-link', text: 'accept link' }),
        ' ',
        copyCell(email.token, `the invitation token for ${email.to}`, `copy-outbox-${slug(email.id)}`, 12),
      );
    }
    if (email.kind === 'verification' && email.userId) {
      const button = el('button', {
        type: 'button',
        'data-testid': 'outbox-validate',
        'aria-label': `Validate ${email.to} (what the verification link does)`,
        text: 'Validate',
      });
      button.addEventListener('click', () => validateUser(email.userId, button));
      return el('td', {}, button);
    }
    return el('td', {}, email.userId ? copyCell(email.userId, `the user id of ${email.to}`, `copy-outbox-${slug(email.id)}`, 13) : '');
  }

  async function loadOutbox() {
    const data = await get('/__mock/outbox');
    $('#outbox-total').textContent = `${data.total} in all.`;
    const emails = data.emails.slice().reverse();
    $('#outbox-table tbody').replaceChildren(
      ...(emails.length === 0
        ? [el('tr', {}, el('td', { colspan: 5, class: 'muted', text: 'No email yet.' }))]
        : emails.map((e) =>
            el(
              'tr',
              { 'data-testid': 'outbox-row', 'data-kind': e.kind },
              el('td', { title: e.sentAt, text: new Date(e.sentAt).toLocaleString() }),
              el('td', { text: e.kind }),
              el('td', { text: e.to }),
              el('td', { class: 'wrap', text: e.subject }),
              outboxAction(e),
            ),
          )),
    );
  }

  // ---- clock ----------------------------------------------------------------------------------------

  function duration(seconds) {
    if (seconds === 0) return 'nothing (the real time)';
    const parts = [];
    const units = [
      ['d', 86400],
      ['h', 3600],
      ['min', 60],
      ['s', 1],
    ];
    let rest = seconds;
    for (const [unit, size] of units) {
      const n = Math.floor(rest / size);
      rest -= n * size;
      if (n > 0) parts.push(`${n} ${unit}`);
    }
    return parts.join(' ');
  }

  function showClock(reading) {
    const now = $('#clock-now');
    now.textContent = reading.now;
    now.dataset.offset = reading.offsetSeconds;
    $('#clock-offset').textContent = duration(reading.offsetSeconds);
  }

  async function loadClock() {
    showClock(await get('/__mock/clock'));
  }

  async function advance(seconds) {
    try {
      showClock(await post('/__mock/clock', { advanceSeconds: seconds }));
      say(`The clock moved forward by ${duration(seconds)}.`);
      // What expires has expired: fresh tokens, and counts of live sessions, keys and invitations.
      await Promise.all([loadPrincipals(), loadOrganizations(), loadRequests()]);
    } catch (error) {
      say(error.message, 'error');
    }
  }

  // ---- settings -------------------------------------------------------------------------------------

  function settingValue(key, value) {
    if (key === 'api') return `${value.title} (${value.name}, ${value.specFile})`;
    if (key === 'rateLimit') return value ? `${value.limit} requests per ${value.windowSeconds} s per credential` : 'off';
    if (key === 'latency') return value ? (value.min === value.max ? `${value.min} ms` : `${value.min}–${value.max} ms`) : 'none';
    if (key === 'corsOrigins') return Array.isArray(value) ? value.join(', ') : value;
    if (key === 'tokenTtlSeconds') return `${value} s`;
    if (value === null) return 'none';
    if (typeof value === 'boolean') return value ? 'on' : 'off';
    return String(value);
  }

  const SETTING_LABELS = {
    api: 'API',
    url: 'Listening on',
    seed: 'Seed',
    users: 'Extra users',
    tokenTtlSeconds: 'Access token lifetime',
    rateLimit: 'Rate limit',
    latency: 'Latency',
    errorRate: 'Error rate',
    corsOrigins: 'CORS origins',
    stateFile: 'State file',
    controlPlane: 'Control plane',
    requestLog: 'Request log',
  };

  async function loadSettings() {
    const settings = await get('/__mock/settings');
    $('#api-title').textContent = settings.api.title;
    document.title = `${settings.api.title} · mock dashboard`;
    $('#settings-list').replaceChildren(
      ...Object.entries(settings).flatMap(([key, value]) => [
        el('dt', { text: SETTING_LABELS[key] || words(key) }),
        el('dd', { 'data-testid': `setting-${key}`, text: settingValue(key, value) }),
      ]),
    );
  }

  // ---- the whole page -------------------------------------------------------------------------------

  async function refreshAll() {
    // Organizations first: the principals table names each principal's organization.
    await loadOrganizations();
    await Promise.all([loadPrincipals(), loadRequests(), loadOutbox(), loadClock()]);
  }

  async function tick() {
    if (paused) return;
    try {
      await loadClock();
      if (await loadRequests()) {
        // Something happened: what it may have changed.
        await Promise.all([loadOutbox(), loadOrganizations()]);
        const principals = await get('/__mock/principals');
        if (signature(principals) !== principalsSignature) {
          principalsSignature = signature(principals);
          renderPrincipals(principals);
        }
      }
      if ($('#status').dataset.kind === 'offline') say('');
    } catch {
      say('The mock does not answer: is it still running?', 'offline');
    }
  }

  function schedule() {
    setTimeout(async () => {
      await tick();
      schedule();
    }, REFRESH_MS);
  }

  function wire() {
    $('#reset-button').addEventListener('click', async () => {
      try {
        await post('/__mock/reset');
        say('The state is back to the seeded one, and the clock on the real time.');
        await refreshAll();
      } catch (error) {
        say(error.message, 'error');
      }
    });
    $('#refresh-button').addEventListener('click', async () => {
      try {
        await refreshAll();
        say('Refreshed.');
      } catch (error) {
        say(error.message, 'error');
      }
    });
    const pause = $('#requests-pause');
    pause.addEventListener('click', () => {
      paused = !paused;
      pause.setAttribute('aria-pressed', String(paused));
      pause.textContent = paused ? 'Resume' : 'Pause';
      say(paused ? 'Auto-refresh paused.' : 'Auto-refresh resumed.');
    });
    for (const button of document.querySelectorAll('[data-advance]')) {
      button.addEventListener('click', () => advance(Number(button.dataset.advance)));
    }
  }

  async function start() {
    wire();
    try {
      await Promise.all([loadSettings(), refreshAll()]);
      document.body.dataset.ready = 'true';
    } catch (error) {
      say(error.message, 'error');
    }
    schedule();
  }

  void start();
})();
