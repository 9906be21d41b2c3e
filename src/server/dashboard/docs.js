// The API's docs (/__mock/docs): Swagger UI (swagger-ui-dist, served by the mock) over the served
// API's document, whose `servers` the mock points at itself, so "Try it out" calls the mock. Above it,
// the seeded principals: picking one authorizes the requests with its credential. The security
// schemes are read from the document, never named here; a principal's credential for a scheme is its
// field of that name, else the control plane's usual field for that kind of scheme (a bearer token:
// `accessToken` or `apiKey`; a cookie: `sessionToken`; a header: `apiKey`).
'use strict';

(function docs() {
  const $ = (selector) => document.querySelector(selector);
  let ui = null;
  let schemes = [];
  let principals = [];
  /** The cookie this page set, to take back when another credential is picked. */
  let cookieSet = null;

  function say(message, kind) {
    const status = $('#status');
    status.textContent = message;
    status.dataset.kind = kind || 'info';
  }

  // `/__mock/docs?token=...` hands the control token over as the dashboard's link does (dashboard.js).
  const linked = new URLSearchParams(location.search).get('token');
  if (linked) {
    window.sessionStorage.setItem('org-contract-control-token', linked);
    const url = new window.URL(location.href);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }

  async function getJson(path) {
    const headers = { accept: 'application/json' };
    // The control token the dashboard kept for this tab (dashboard.js), for /__mock/principals.
    const token = path.startsWith('/__mock/') && window.sessionStorage.getItem('org-contract-control-token');
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(path, { headers });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
    return response.json();
  }

  // ---- security schemes ---------------------------------------------------------------------------

  /** The document's schemes, those its top-level `security` names first. */
  function readSchemes(document) {
    const defined = (document.components && document.components.securitySchemes) || {};
    const order = [];
    for (const requirement of document.security || []) for (const name of Object.keys(requirement)) if (!order.includes(name)) order.push(name);
    for (const name of Object.keys(defined)) if (!order.includes(name)) order.push(name);
    return order.filter((name) => defined[name]).map((name) => ({ name, definition: defined[name] }));
  }

  function kindOf(definition) {
    if (definition.type === 'http' && /^bearer$/i.test(definition.scheme || '')) return 'bearer';
    if (definition.type === 'apiKey' && definition.in === 'cookie') return 'cookie';
    if (definition.type === 'apiKey') return 'apiKey';
    return 'other';
  }

  function describeScheme(scheme) {
    const definition = scheme.definition;
    const kind = kindOf(definition);
    if (kind === 'bearer') return `${scheme.name} (Authorization: Bearer)`;
    if (kind === 'cookie') return `${scheme.name} (cookie ${definition.name})`;
    if (kind === 'apiKey') return `${scheme.name} (${definition.in} ${definition.name})`;
    return scheme.name;
  }

  const FALLBACK_FIELDS = { bearer: ['accessToken', 'apiKey'], cookie: ['sessionToken'], apiKey: ['apiKey'], other: [] };

  function credentialFor(principal, scheme) {
    const fields = [scheme.name, ...FALLBACK_FIELDS[kindOf(scheme.definition)]];
    for (const field of fields) if (typeof principal[field] === 'string' && principal[field] !== '') return principal[field];
    return null;
  }

  // ---- applying a credential ----------------------------------------------------------------------

  function clearCookie() {
    if (cookieSet) document.cookie = `${cookieSet}=; Path=/; Max-Age=0; SameSite=Lax`;
    cookieSet = null;
  }

  function apply() {
    const principal = principals.find((p) => p.name === $('#principal-select').value);
    const scheme = schemes.find((s) => s.name === $('#credential-select').value);
    const output = $('#credential-status');
    // Swagger UI's logout fails when nothing was ever authorized.
    const authorized = ui ? ui.authSelectors.authorized() : null;
    if (authorized && authorized.size > 0) ui.authActions.logout([...authorized.keys()]);
    clearCookie();
    delete output.dataset.principal;
    delete output.dataset.scheme;
    if (!principal || !scheme) {
      output.textContent = 'No credential is sent.';
      return;
    }
    const value = credentialFor(principal, scheme);
    if (value === null) {
      output.textContent = `${principal.name} has no credential for ${scheme.name}.`;
      return;
    }
    if (kindOf(scheme.definition) === 'cookie') {
      // A script cannot send a Cookie header; the browser sends this origin's cookies with every try.
      document.cookie = `${scheme.definition.name}=${encodeURIComponent(value)}; Path=/; SameSite=Lax`;
      cookieSet = scheme.definition.name;
    } else {
      ui.preauthorizeApiKey(scheme.name, value);
    }
    output.dataset.principal = principal.name;
    output.dataset.scheme = scheme.name;
    output.textContent = `Requests are sent as ${principal.name} with ${scheme.name}.`;
  }

  function fillCredentials() {
    const principal = principals.find((p) => p.name === $('#principal-select').value);
    const select = $('#credential-select');
    const previous = select.value;
    const usable = principal ? schemes.filter((s) => credentialFor(principal, s) !== null) : [];
    select.replaceChildren(...usable.map((s) => new Option(describeScheme(s), s.name)));
    if (usable.some((s) => s.name === previous)) select.value = previous;
    select.disabled = usable.length === 0;
  }

  async function loadPrincipals() {
    const data = await getJson('/__mock/principals');
    principals = data.principals || [];
    const select = $('#principal-select');
    const previous = select.value;
    select.replaceChildren(
      new Option('nobody (no credential)', ''),
      ...principals.map((p) => {
        const usable = schemes.some((s) => credentialFor(p, s) !== null);
        const option = new Option(`${p.name} (${p.role || 'no role'}, ${p.email})${usable ? '' : ': cannot sign in'}`, p.name);
        option.disabled = !usable;
        return option;
      }),
    );
    if (principals.some((p) => p.name === previous)) select.value = previous;
    select.disabled = false;
    fillCredentials();
  }

  // ---- start --------------------------------------------------------------------------------------

  function wire() {
    $('#principal-select').addEventListener('change', () => {
      fillCredentials();
      apply();
    });
    $('#credential-select').addEventListener('change', apply);
    $('#principals-reload').addEventListener('click', async () => {
      try {
        await loadPrincipals();
        apply();
        say('Principals reloaded: fresh credentials.');
      } catch (error) {
        say(error.message, 'error');
      }
    });
    $('#credentials').addEventListener('submit', (event) => event.preventDefault());
  }

  async function start() {
    wire();
    let document_;
    try {
      document_ = await getJson('/__mock/docs/openapi.json');
    } catch (error) {
      say(`The API's document could not be read: ${error.message}`, 'error');
      return;
    }
    schemes = readSchemes(document_);
    $('#api-title').textContent = document_.info.title;
    document.title = `${document_.info.title} · API docs`;
    await new Promise((resolve) => {
      ui = SwaggerUIBundle({
        spec: document_,
        dom_id: '#swagger-ui',
        deepLinking: true,
        tryItOutEnabled: true,
        displayRequestDuration: true,
        persistAuthorization: false,
        // Swagger UI would send the document to an outside validator; the mock loads nothing from elsewhere.
        validatorUrl: null,
        onComplete: resolve,
      });
    });
    try {
      await loadPrincipals();
    } catch (error) {
      say(`The principals could not be read: ${error.message}`, 'error');
    }
    // `?principal=NAME&credential=SCHEME` picks one at load (a link from the dashboard, a test).
    const query = new URLSearchParams(location.search);
    const wanted = query.get('principal');
    if (wanted && principals.some((p) => p.name === wanted)) {
      $('#principal-select').value = wanted;
      fillCredentials();
      const scheme = query.get('credential');
      if (scheme && [...$('#credential-select').options].some((o) => o.value === scheme)) $('#credential-select').value = scheme;
    }
    apply();
    document.body.dataset.ready = 'true';
  }

  void start();
})();
