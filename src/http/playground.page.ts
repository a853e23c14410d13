/**
 * The playground: one self-contained page (inline CSS and script, nothing loaded from elsewhere, so it works
 * offline) that posts to `/handler` on the same server, as Qiniu would, and shows what came back.
 * The accessible names ("Input file", "cmd", "Run", the "result" image) are what users and tests find it by.
 */
export const PLAYGROUND_PATH = '_ufop/playground';

/** Only this page's own inline code, and requests to this server: the page cannot load or send anything elsewhere. */
export const PLAYGROUND_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' blob: data:; " +
  "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

export function playgroundPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>qiniu-ufop playground</title>
<style>
  :root { --fg: #1d2430; --muted: #5b6678; --line: #dde3ec; --bg: #f5f7fa; --card: #fff; --accent: #0a6cff; --bad: #c62828; --good: #2e7d32; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--fg); background: var(--bg); }
  header { padding: 14px 24px; background: #14213d; color: #fff; display: flex; align-items: baseline; gap: 16px; flex-wrap: wrap; }
  header h1 { margin: 0; font-size: 18px; font-weight: 600; }
  header .meta { color: #b9c4d8; font-size: 13px; }
  main { display: grid; grid-template-columns: minmax(320px, 440px) 1fr; gap: 20px; padding: 20px 24px; align-items: start; }
  @media (max-width: 860px) { main { grid-template-columns: 1fr; } }
  .wide { grid-column: 1 / -1; }
  section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; }
  h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 12px; }
  label { display: block; font-weight: 600; margin: 12px 0 4px; }
  .hint { color: var(--muted); font-size: 12px; margin-top: 4px; }
  input[type=text], input[type=url] { width: 100%; padding: 7px 9px; border: 1px solid #c5cdd9; border-radius: 6px; font: inherit; }
  input[type=file] { width: 100%; }
  .cmd { display: flex; align-items: stretch; }
  .cmd .prefix { padding: 7px 8px; background: #eef1f6; border: 1px solid #c5cdd9; border-right: 0; border-radius: 6px 0 0 6px; color: var(--muted); font-family: ui-monospace, Menlo, Consolas, monospace; }
  .cmd input { border-radius: 0 6px 6px 0 !important; font-family: ui-monospace, Menlo, Consolas, monospace !important; }
  button { margin-top: 16px; padding: 8px 22px; font: inherit; font-weight: 600; color: #fff; background: var(--accent); border: 0; border-radius: 6px; cursor: pointer; }
  button:disabled { opacity: .6; cursor: progress; }
  table { width: 100%; border-collapse: collapse; font-size: 13px; }
  th, td { text-align: left; padding: 6px 10px 6px 0; overflow-wrap: anywhere; border-top: 1px solid var(--line); vertical-align: top; }
  th { color: var(--muted); font-weight: 600; border-top: 0; }
  td code, .mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
  .route { background: none; border: 0; padding: 0; margin: 0; color: var(--accent); font-weight: 400; cursor: pointer; text-align: left; }
  .arg { display: inline-block; margin: 0 4px 2px 0; padding: 0 6px; background: #eef3ff; border-radius: 10px; font-size: 12px; }
  .arg.optional { background: #f1f1f1; color: var(--muted); }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 0 0 14px; }
  dt { color: var(--muted); } dd { margin: 0; }
  .status-ok { color: var(--good); font-weight: 600; } .status-bad { color: var(--bad); font-weight: 600; }
  .timing { display: flex; align-items: center; gap: 8px; } .bar { height: 8px; background: var(--accent); border-radius: 4px; min-width: 2px; }
  .error { padding: 10px 12px; background: #fdecea; color: var(--bad); border-radius: 6px; font-weight: 600; white-space: pre-wrap; }
  .output img { max-width: 100%; border: 1px solid var(--line); background: repeating-conic-gradient(#eee 0 25%, #fff 0 50%) 0 0/16px 16px; }
  pre { margin: 0; padding: 10px 12px; background: #0f172a; color: #e2e8f0; border-radius: 6px; overflow: auto; max-height: 60vh; font-size: 12.5px; }
  .empty { color: var(--muted); }
</style>
</head>
<body>
<header><h1>qiniu-ufop playground</h1><span class="meta" id="meta">loading routes…</span></header>
<main>
  <section>
      <h2>Request</h2>
      <form id="form">
        <label for="file">Input file</label>
        <input type="file" id="file" name="file">
        <label for="url">Source url</label>
        <input type="url" id="url" name="url" placeholder="https://… (instead of a file)">
        <div class="hint">The server downloads it first (private addresses need UFOP_ALLOW_PRIVATE_URLS=true).</div>
        <label for="cmd">cmd</label>
        <div class="cmd"><span class="prefix" id="prefix" title="the UFOP name, added for you">ufop/</span><input type="text" id="cmd" name="cmd" list="routes-list" autocomplete="off" spellcheck="false" placeholder="thumb/200"></div>
        <datalist id="routes-list"></datalist>
        <div class="hint" id="cmd-hint">Type a command, or pick a route below.</div>
        <button type="submit" id="run">Run</button>
      </form>
  </section>
  <section aria-live="polite" id="response">
    <h2>Response</h2>
    <p class="empty" id="placeholder">Choose a file, type a cmd and press Run.</p>
    <dl class="facts" id="facts" hidden></dl>
    <div id="error" role="alert" class="error" hidden></div>
    <div class="output" id="output"></div>
  </section>
  <section class="wide">
    <h2>Routes</h2>
    <div class="hint" style="margin:-6px 0 8px">Click a route to put it in the cmd box. Args marked ? are optional; (pair) args follow as name/value.</div>
    <table><thead><tr><th>route</th><th>args</th><th>handler</th></tr></thead><tbody id="routes"></tbody></table>
  </section>
</main>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  let prefix = 'ufop';
  let routes = [];
  let lastUrl;

  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    for (const child of children) node.append(child);
    return node;
  };
  const argChip = (arg) => el('span', {
    className: 'arg' + (arg.optional ? ' optional' : ''),
    title: (arg.in === 'pair' ? 'a name/value pair: ' + arg.name + '/<value>' : 'a path segment') + (arg.rules.length ? '; ' + arg.rules.join(', ') : ''),
    textContent: arg.name + (arg.optional ? '?' : '') + (arg.in === 'pair' ? ' (pair)' : ''),
  });

  function routeFor(cmd) {
    return routes.find((route) => route.start && (cmd === route.start.replace(/\\/$/, '') || cmd.startsWith(route.start)));
  }
  function showHint() {
    const route = routeFor($('cmd').value.trim());
    const hint = $('cmd-hint');
    hint.textContent = '';
    if (!route) { hint.textContent = 'Type a command, or pick a route below.'; return; }
    hint.append('route ', el('code', { textContent: route.pattern }), route.args.length ? ' — args: ' : '', ...route.args.map(argChip));
  }

  async function loadRoutes() {
    const res = await fetch(location.pathname.replace(/\\/?$/, '/routes'));
    const data = await res.json();
    prefix = data.ufopName || 'ufop';
    routes = data.routes;
    $('prefix').textContent = prefix + '/';
    $('meta').textContent = routes.length + ' route' + (routes.length === 1 ? '' : 's') + ' · ' + data.mode + ' mode' + (data.ufopName ? ' · UFOP_NAME=' + data.ufopName : '');
    const list = $('routes-list');
    const body = $('routes');
    for (const route of routes) {
      list.append(el('option', { value: route.start || route.pattern, label: route.pattern }));
      const pick = el('button', { type: 'button', className: 'route mono', textContent: route.pattern, title: 'use this route' });
      pick.addEventListener('click', () => { $('cmd').value = route.start; $('cmd').focus(); showHint(); });
      const args = el('td');
      if (route.args.length) route.args.forEach((arg) => args.append(argChip(arg))); else args.append(el('span', { className: 'empty', textContent: '—' }));
      body.append(el('tr', {}, el('td', {}, pick), args, el('td', { className: 'mono', textContent: route.handler })));
    }
  }

  function formatBytes(n) {
    return n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KiB' : (n / 1048576).toFixed(1) + ' MiB';
  }
  function timings(header) {
    return (header || '').split(',').map((part) => {
      const [name, ...params] = part.trim().split(';');
      const dur = params.map((p) => p.trim()).find((p) => p.startsWith('dur='));
      return name ? { name, ms: dur ? Number(dur.slice(4)) : NaN } : undefined;
    }).filter(Boolean);
  }
  function fact(name, value) {
    $('facts').append(el('dt', { textContent: name }), el('dd', {}, value));
  }

  async function run(event) {
    event.preventDefault();
    const typed = $('cmd').value.trim().replace(/^\\/+/, '');
    const cmd = typed.startsWith(prefix + '/') ? typed : prefix + '/' + typed;
    const file = $('file').files[0];
    const source = $('url').value.trim();
    let target = '/handler?cmd=' + encodeURIComponent(cmd);
    if (source) target += '&url=' + encodeURIComponent(source);
    $('run').disabled = true;
    $('placeholder').hidden = true;
    $('facts').hidden = true;
    $('facts').textContent = '';
    $('error').hidden = true;
    $('output').textContent = '';
    if (lastUrl) URL.revokeObjectURL(lastUrl);
    try {
      const init = { method: 'POST' };
      if (file && !source) { init.body = file; init.headers = { 'content-type': file.type || 'application/octet-stream' }; }
      const res = await fetch(target, init);
      const blob = await res.blob();
      const type = res.headers.get('content-type') || '';
      fact('status', el('span', { className: res.ok ? 'status-ok' : 'status-bad', textContent: res.status + ' ' + res.statusText }));
      fact('cmd', el('code', { textContent: cmd }));
      fact('content type', type || '—');
      fact('size', formatBytes(blob.size));
      const spans = timings(res.headers.get('server-timing'));
      if (spans.length) {
        const max = Math.max(...spans.map((s) => s.ms || 0), 1);
        const box = el('div');
        for (const span of spans) {
          box.append(el('div', { className: 'timing' }, el('span', { className: 'mono', textContent: span.name + ' ' + (isNaN(span.ms) ? '' : span.ms.toFixed(1) + ' ms') }), el('div', { className: 'bar', style: 'width:' + Math.round(140 * (span.ms || 0) / max) + 'px' })));
        }
        fact('Server-Timing', box);
      }
      $('facts').hidden = false;
      lastUrl = URL.createObjectURL(blob);
      if (!res.ok) {
        let message = await blob.text();
        try { message = JSON.parse(message).error ?? message; } catch {}
        $('error').textContent = res.status + ': ' + message;
        $('error').hidden = false;
        return;
      }
      const out = $('output');
      if (type.startsWith('image/')) {
        const img = el('img', { alt: 'result', src: lastUrl });
        img.addEventListener('load', () => fact('image', img.naturalWidth + ' × ' + img.naturalHeight + ' px'));
        out.append(img);
      } else if (/json/.test(type)) {
        const text = await blob.text();
        let pretty = text;
        try { pretty = JSON.stringify(JSON.parse(text), null, 2); } catch {}
        out.append(el('pre', { textContent: pretty }));
      } else if (type.startsWith('text/') || type === '') {
        out.append(el('pre', { textContent: await blob.text() }));
      }
      const extension = (type.split(';')[0].split('/')[1] || 'bin').replace(/[^a-z0-9]/gi, '');
      out.append(el('p', {}, el('a', { href: lastUrl, download: 'result.' + extension, textContent: 'Download the result (' + formatBytes(blob.size) + ')' })));
    } catch (error) {
      $('error').textContent = 'The request failed: ' + error.message;
      $('error').hidden = false;
    } finally {
      $('run').disabled = false;
    }
  }

  $('form').addEventListener('submit', run);
  $('cmd').addEventListener('input', showHint);
  loadRoutes().catch((error) => { $('meta').textContent = 'could not load the routes: ' + error.message; });
})();
</script>
</body>
</html>
`;
}
