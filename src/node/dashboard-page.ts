/**
 * The dashboard's page: markup and styles. Its script (`/app.js`, chart.js bundled in) is built at
 * build time from src/dashboard/app.ts; the page loads nothing from anywhere but its own server.
 */
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>trackplan dashboard</title>
<style>
  :root {
    --ink: #182032; --muted: #667085; --line: #e6e8f0; --bg: #f4f6fb; --card: #fff;
    --accent: #4f46e5; --accent-soft: #eef0ff; --good: #0f9f6e; --bad: #d14343;
    --radius: 14px; --shadow: 0 1px 2px rgba(16, 24, 40, .06), 0 4px 16px rgba(16, 24, 40, .05);
  }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); -webkit-font-smoothing: antialiased; }
  header { position: sticky; top: 0; z-index: 5; background: rgba(255,255,255,.92); backdrop-filter: blur(8px); border-bottom: 1px solid var(--line); }
  .bar { max-width: 1400px; margin: 0 auto; padding: 12px 24px; display: flex; flex-wrap: wrap; align-items: center; gap: 12px 20px; }
  .brand { font-weight: 700; font-size: 17px; letter-spacing: -.01em; margin-right: auto; display: flex; align-items: baseline; gap: 8px; }
  .brand small { font-weight: 500; color: var(--muted); font-size: 13px; }
  label.field { display: flex; align-items: center; gap: 6px; color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
  select, input[type=date] { font: inherit; color: var(--ink); border: 1px solid var(--line); border-radius: 8px; padding: 6px 10px; background: #fff; text-transform: none; letter-spacing: 0; font-weight: 500; }
  .quick { display: inline-flex; border: 1px solid var(--line); border-radius: 9px; overflow: hidden; }
  .quick button { font: inherit; font-weight: 600; border: 0; background: #fff; padding: 6px 12px; cursor: pointer; color: var(--muted); }
  .quick button + button { border-left: 1px solid var(--line); }
  .quick button.active { background: var(--accent); color: #fff; }
  .chips { max-width: 1400px; margin: 0 auto; padding: 0 24px 12px; display: flex; flex-wrap: wrap; gap: 8px; }
  .chip { font: inherit; font-size: 12.5px; font-weight: 600; border-radius: 999px; padding: 4px 12px 4px 8px; border: 1px solid var(--line); background: #fff; color: var(--muted); cursor: pointer; display: inline-flex; align-items: center; gap: 6px; }
  .chip i { width: 9px; height: 9px; border-radius: 50%; display: inline-block; background: var(--c); opacity: .35; }
  .chip[aria-pressed=true] { color: var(--ink); border-color: var(--c); background: #fff; box-shadow: inset 0 0 0 1px var(--c); }
  .chip[aria-pressed=true] i { opacity: 1; }
  main { max-width: 1400px; margin: 0 auto; padding: 20px 24px 40px; display: grid; grid-template-columns: repeat(12, minmax(0, 1fr)); gap: 20px; }
  .notice { grid-column: 1 / -1; background: #fff7e6; border: 1px solid #f5d9a8; color: #7a4b00; border-radius: 10px; padding: 10px 14px; }
  .notice.error { background: #fdecec; border-color: #f3c2c2; color: #8a1c1c; }
  .kpis { grid-column: 1 / -1; display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 16px; }
  .kpi { background: var(--card); border-radius: var(--radius); box-shadow: var(--shadow); padding: 16px 18px; position: relative; overflow: hidden; }
  .kpi::before { content: ""; position: absolute; inset: 0 auto 0 0; width: 4px; background: var(--c, var(--accent)); }
  .kpi .label { color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .kpi .value { font-size: 28px; font-weight: 700; letter-spacing: -.02em; margin: 4px 0 2px; font-variant-numeric: tabular-nums; }
  .kpi .ratio { font-size: 12.5px; color: var(--muted); }
  .kpi .ratio b { color: var(--good); }
  .card { background: var(--card); border-radius: var(--radius); box-shadow: var(--shadow); padding: 18px 20px; min-width: 0; }
  .card h2 { font-size: 15px; margin: 0 0 2px; letter-spacing: -.01em; }
  .card .sub { color: var(--muted); font-size: 12.5px; margin: 0 0 12px; }
  .card .head { display: flex; flex-wrap: wrap; align-items: flex-start; justify-content: space-between; gap: 10px; margin-bottom: 8px; }
  .card .head .controls { display: flex; flex-wrap: wrap; gap: 8px; }
  .wide { grid-column: span 8; } .narrow { grid-column: span 4; } .half { grid-column: span 6; } .full { grid-column: 1 / -1; }
  .chart { position: relative; height: 280px; }
  .chart.small { height: 220px; }
  .funnels { grid-column: 1 / -1; display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 20px; }
  .table-wrap { max-height: 320px; overflow: auto; border: 1px solid var(--line); border-radius: 10px; margin-top: 14px; }
  table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; }
  th, td { padding: 7px 10px; text-align: right; border-bottom: 1px solid var(--line); white-space: nowrap; }
  th:first-child, td:first-child { text-align: left; }
  thead th { position: sticky; top: 0; background: #fafbfe; color: var(--muted); font-size: 11.5px; text-transform: uppercase; letter-spacing: .04em; }
  tbody tr:last-child td { border-bottom: 0; }
  tbody tr:hover { background: #fafbff; }
  .stats { display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px; margin-top: 12px; }
  .stats div { background: var(--accent-soft); border-radius: 10px; padding: 8px 10px; }
  .stats span { display: block; color: var(--muted); font-size: 11.5px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
  .stats b { font-size: 17px; font-variant-numeric: tabular-nums; }
  .empty { color: var(--muted); padding: 24px 0; text-align: center; }
  .up { color: var(--good); } .down { color: var(--bad); }
  @media (max-width: 1100px) { .wide, .narrow, .half { grid-column: 1 / -1; } }
  @media (max-width: 560px) { .bar, main, .chips { padding-left: 12px; padding-right: 12px; } .funnels { grid-template-columns: 1fr; } }
</style>
</head>
<body data-state="loading">
<header>
  <div class="bar">
    <div class="brand">trackplan <small id="catalog-name">dashboard</small></div>
    <label class="field">Organization <select id="org"><option value="">All organizations</option></select></label>
    <label class="field">From <input type="date" id="from"></label>
    <label class="field">To <input type="date" id="to"></label>
    <div class="quick" role="group" aria-label="Quick ranges">
      <button type="button" data-days="7">7 days</button><button type="button" data-days="30">30 days</button><button type="button" data-days="90">90 days</button>
    </div>
  </div>
  <nav class="chips" id="chips" aria-label="Event types"></nav>
</header>
<main>
  <div class="notice" id="notice" hidden></div>
  <section class="kpis" id="kpis" aria-label="Key figures"></section>
  <section class="card wide">
    <div class="head"><div><h2>Daily activity</h2><p class="sub">Events per UTC day for the selected event types, with revenue.</p></div></div>
    <div class="chart"><canvas id="timeseries-chart" aria-label="Daily events"></canvas></div>
    <div class="table-wrap"><table id="timeseries-table"></table></div>
  </section>
  <section class="card narrow">
    <div class="head">
      <div><h2>Projection</h2><p class="sub">Trailing moving average, carried forward.</p></div>
      <div class="controls">
        <select id="projection-series" aria-label="Series"></select>
        <select id="projection-window" aria-label="Window">
          <option value="3">3-day window</option><option value="7">7-day window</option><option value="14" selected>14-day window</option><option value="30">30-day window</option><option value="60">60-day window</option><option value="90">90-day window</option>
        </select>
        <select id="projection-horizon" aria-label="Horizon">
          <option value="1">next day</option><option value="7" selected>next 7 days</option><option value="14">next 14 days</option><option value="30">next 30 days</option>
        </select>
      </div>
    </div>
    <div class="chart small"><canvas id="projection-chart" aria-label="Projection"></canvas></div>
    <div id="projection-summary"></div>
  </section>
  <section class="funnels" id="funnels" aria-label="Funnels"></section>
  <section class="card full">
    <div class="head">
      <div><h2>Top values</h2><p class="sub">The most frequent or highest-earning values of one property in the range.</p></div>
      <div class="controls">
        <select id="top-property" aria-label="Property"></select>
        <select id="top-by" aria-label="Rank by"><option value="revenue">by revenue</option><option value="count">by count</option></select>
      </div>
    </div>
    <div class="table-wrap"><table id="top-table"></table></div>
  </section>
</main>
<script src="/app.js"></script>
</body>
</html>
`;
