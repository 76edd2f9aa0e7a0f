/** The inspector's page: plain HTML and a little script, no build step. Events stream in by SSE. */
export const INSPECTOR_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>trackplan inspector</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7fb; }
  header { background: #1d2330; color: #fff; padding: 12px 20px; display: flex; gap: 16px; align-items: center; }
  header h1 { font-size: 16px; margin: 0; }
  header input { padding: 4px 8px; border-radius: 4px; border: 0; }
  main { display: grid; grid-template-columns: 1fr 260px; gap: 16px; padding: 16px 20px; }
  table { width: 100%; border-collapse: collapse; background: #fff; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e5e7ef; vertical-align: top; }
  tr.event { cursor: pointer; }
  tr.event:hover { background: #f0f3ff; }
  .valid { color: #137333; } .invalid { color: #b3261e; font-weight: 600; } .unknown { color: #8a5a00; } .posthog { color: #5f6368; }
  .redacted { background: #fff4cc; border-radius: 3px; padding: 0 4px; }
  pre { margin: 0; white-space: pre-wrap; font-size: 12px; background: #f6f7fb; padding: 8px; }
  aside { background: #fff; padding: 12px; }
  aside h2 { font-size: 14px; margin: 0 0 8px; }
  #counts div, #exposures div { display: flex; justify-content: space-between; gap: 8px; }
  td.flags { font-size: 12px; color: #3b4a7a; } .exposure { color: #6b2fb3; }
</style>
</head>
<body>
<header>
  <h1>trackplan inspector</h1>
  <input id="name" placeholder="filter by event name">
  <input id="distinct" placeholder="filter by distinct id">
  <span id="total">0 events</span>
</header>
<main>
  <table>
    <thead><tr><th>time</th><th>event</th><th>distinct id</th><th>destination</th><th>check</th><th>flags</th><th>redactions</th></tr></thead>
    <tbody id="rows"></tbody>
  </table>
  <aside><h2>Per event</h2><div id="counts"></div><h2>Flag exposures</h2><div id="exposures"></div></aside>
</main>
<script>
  const events = [];
  const rows = document.getElementById('rows');
  const nameFilter = document.getElementById('name');
  const distinctFilter = document.getElementById('distinct');
  const text = (value) => document.createTextNode(value == null ? '' : String(value));
  function cell(row, value, className) {
    const td = document.createElement('td');
    if (className) td.className = className;
    td.appendChild(text(value));
    row.appendChild(td);
    return td;
  }
  function visible(e) {
    return (!nameFilter.value || e.event.includes(nameFilter.value)) && (!distinctFilter.value || String(e.distinctId || '').includes(distinctFilter.value));
  }
  function render() {
    rows.textContent = '';
    for (const e of events.slice().reverse()) {
      if (!visible(e)) continue;
      const row = document.createElement('tr');
      row.className = 'event';
      row.dataset.event = e.event;
      cell(row, e.receivedAt.slice(11, 23));
      cell(row, e.event);
      cell(row, e.distinctId);
      cell(row, e.destination);
      cell(row, e.status === 'invalid' ? 'invalid: ' + e.violations.join('; ') : e.status, e.status);
      // An exposure names the flag read and its value; other events the flag values they carry.
      if (e.exposure) cell(row, 'exposure: ' + e.exposure.flag + ' = ' + JSON.stringify(e.exposure.value), 'flags exposure');
      else cell(row, e.flags ? Object.entries(e.flags).map(([k, v]) => k + '=' + JSON.stringify(v)).join(' ') : '', 'flags');
      const r = cell(row, e.redactions || '');
      if (e.redactions) r.className = 'redacted';
      row.addEventListener('click', () => {
        const next = row.nextSibling;
        if (next && next.className === 'raw') return next.remove();
        const raw = document.createElement('tr');
        raw.className = 'raw';
        const td = document.createElement('td');
        td.colSpan = 7;
        const pre = document.createElement('pre');
        pre.appendChild(text(JSON.stringify(e.payload, null, 2)));
        td.appendChild(pre);
        raw.appendChild(td);
        row.after(raw);
      });
      rows.appendChild(row);
    }
    // A Map: event names such as __proto__ or constructor are names, not keys of Object.prototype.
    const counts = new Map();
    for (const e of events) counts.set(e.event, (counts.get(e.event) || 0) + 1);
    const box = document.getElementById('counts');
    box.textContent = '';
    for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1])) {
      const div = document.createElement('div');
      const left = document.createElement('span'); left.appendChild(text(name));
      const right = document.createElement('span'); right.appendChild(text(n));
      div.append(left, right);
      box.appendChild(div);
    }
    // Exposures by flag and value (each one PostHog would count in an experiment).
    const exposures = new Map();
    for (const e of events) if (e.exposure) { const k = e.exposure.flag + ' = ' + JSON.stringify(e.exposure.value); exposures.set(k, (exposures.get(k) || 0) + 1); }
    const list = document.getElementById('exposures');
    list.textContent = '';
    for (const [name, n] of [...exposures].sort()) {
      const div = document.createElement('div');
      const left = document.createElement('span'); left.appendChild(text(name));
      const right = document.createElement('span'); right.appendChild(text(n));
      div.append(left, right);
      list.appendChild(div);
    }
    document.getElementById('total').textContent = events.length + ' events';
  }
  nameFilter.addEventListener('input', render);
  distinctFilter.addEventListener('input', render);
  const seen = new Set();
  function add(list) {
    let added = false;
    for (const e of list) if (!seen.has(e.id)) { seen.add(e.id); events.push(e); added = true; }
    if (!added) return;
    events.sort((a, b) => a.id - b.id);
    render();
  }
  const source = new EventSource('/api/stream');
  // On every (re)connection, also after the inspector dropped a page that fell behind: the stream
  // brings later events, the list what was missed meanwhile.
  source.onopen = () => fetch('/api/events').then((r) => r.json()).then(add);
  source.onmessage = (message) => add([JSON.parse(message.data)]);
</script>
</body>
</html>`;
