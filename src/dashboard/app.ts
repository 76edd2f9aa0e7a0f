/**
 * The dashboard page's script, bundled with chart.js into dist/dashboard/app.global.js at build
 * time. It reads only its own server's `/api/...` (the reports handler) and draws with chart.js.
 */
import { type ChartConfiguration, BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import type { CatalogInfo, FunnelResult, OverviewResult, ProjectionResult, TimeseriesResult } from './api-types';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend, Filler);
Chart.defaults.font.family = 'ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.color = '#667085';
Chart.defaults.animation = false;

const PALETTE = ['#4f46e5', '#0ea5e9', '#10b981', '#f59e0b', '#ef4444', '#8b5cf6', '#14b8a6', '#ec4899', '#84cc16', '#f97316', '#6366f1', '#06b6d4'];
const DAY_MS = 86_400_000;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

const state = {
  catalog: undefined as CatalogInfo | undefined,
  from: '',
  to: '',
  organization: '',
  events: new Set<string>(),
  colors: new Map<string, string>(),
};
// chart.js's generic Chart type does not unify bar and line configurations; the map only destroys them.
const charts = new Map<string, { destroy(): void }>();
let generation = 0;

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const integer = new Intl.NumberFormat('en-US');
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

/** An amount in major units: revenue declared in minor units (cents) is divided by 100. */
function major(amount: number, _currency: string): number {
  return state.catalog?.revenueInMinorUnits ? amount / 100 : amount;
}

function money(amount: number, currency: string): string {
  const value = major(amount, currency);
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: value >= 1000 ? 0 : 2 }).format(value);
  } catch {
    return `${integer.format(Math.round(value * 100) / 100)} ${currency}`;
  }
}

function revenueText(revenue: Record<string, number>): string {
  const entries = Object.entries(revenue).filter(([, amount]) => amount);
  return entries.length ? entries.map(([currency, amount]) => money(amount, currency)).join(' · ') : '–';
}

function duration(seconds: number | null | undefined): string {
  if (seconds == null) return '–';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)}h`;
  return `${(seconds / 86_400).toFixed(1)}d`;
}

function colorOf(event: string): string {
  if (!state.colors.has(event)) state.colors.set(event, PALETTE[state.colors.size % PALETTE.length]);
  return state.colors.get(event)!;
}

async function api<T>(path: string, params: Record<string, string | string[] | undefined> = {}): Promise<T> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const item of [value ?? []].flat()) if (item !== '') query.append(key, item);
  const response = await fetch(`/api/${path}${query.size ? `?${query}` : ''}`, { headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body as T;
}

/** The range and tenant every request carries. */
function scope() {
  return {
    start_date: `${state.from}T00:00:00.000Z`,
    end_date: `${state.to}T23:59:59.999Z`,
    organization_id: state.organization || undefined,
  };
}

function selectedEvents(): string[] {
  return [...state.events];
}

function drawChart(id: string, config: ChartConfiguration<'bar' | 'line', (number | null)[], string>): void {
  charts.get(id)?.destroy();
  const canvas = document.getElementById(id) as HTMLCanvasElement | null;
  if (canvas) charts.set(id, new Chart(canvas, config as ChartConfiguration));
}

function notice(text: string, kind: 'info' | 'error' = 'info'): void {
  const box = $('notice');
  box.hidden = !text;
  box.className = `notice${kind === 'error' ? ' error' : ''}`;
  box.textContent = text;
}

function table(target: HTMLTableElement, head: string[], rows: (string | number)[][]): void {
  target.replaceChildren(
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map((row) => el('tr', {}, ...row.map((cell) => el('td', {}, typeof cell === 'number' ? integer.format(cell) : cell))))),
  );
  if (!rows.length) target.tBodies[0].append(el('tr', {}, el('td', { colSpan: head.length, className: 'empty' }, 'No events in this range')));
}

function renderChips(): void {
  const chips = $('chips');
  chips.replaceChildren(
    ...state.catalog!.events.map((event) => {
      const chip = el('button', { type: 'button', className: 'chip', title: event.description }, el('i'), event.name);
      chip.style.setProperty('--c', colorOf(event.name));
      chip.dataset.event = event.name;
      chip.setAttribute('aria-pressed', String(state.events.has(event.name)));
      chip.addEventListener('click', () => {
        if (state.events.has(event.name)) state.events.delete(event.name);
        else state.events.add(event.name);
        chip.setAttribute('aria-pressed', String(state.events.has(event.name)));
        void refresh();
      });
      return chip;
    }),
  );
}

function renderKpis(overview: OverviewResult): void {
  const cards: HTMLElement[] = [];
  const steps = overview.funnel?.steps ?? [];
  const shown = steps.length ? steps.map((s) => s.event) : Object.keys(overview.counts);
  shown.forEach((event, i) => {
    const step = steps[i];
    const ratio = step && i > 0 ? el('div', { className: 'ratio' }, el('b', {}, percent.format(step.conversionFromPrevious)), ` from ${steps[i - 1].event}`) : el('div', { className: 'ratio' }, step ? `${integer.format(step.count)} entered the funnel` : 'events in range');
    const card = el('div', { className: 'kpi' }, el('div', { className: 'label', title: event }, event.replace(/[._]/g, ' ')), el('div', { className: 'value' }, integer.format(overview.counts[event] ?? 0)), ratio);
    card.style.setProperty('--c', colorOf(event));
    card.dataset.event = event;
    cards.push(card);
  });
  const revenue = Object.entries(overview.revenue);
  const revenueCard = el('div', { className: 'kpi', id: 'kpi-revenue' }, el('div', { className: 'label' }, 'Revenue'), el('div', { className: 'value' }, revenue.length ? money(revenue[0][1], revenue[0][0]) : '–'), el('div', { className: 'ratio' }, revenue.length > 1 ? revenue.slice(1).map(([c, a]) => money(a, c)).join(' · ') : steps.length > 1 ? `${percent.format(steps.at(-1)!.conversion)} overall conversion` : 'in range'));
  revenueCard.style.setProperty('--c', '#0f9f6e');
  cards.push(revenueCard);
  $('kpis').replaceChildren(...cards);
}

function renderTimeseries(series: TimeseriesResult): void {
  const events = selectedEvents();
  const labels = series.days.map((d) => d.date.slice(5));
  const currencies = [...new Set(series.days.flatMap((d) => Object.keys(d.revenue)))];
  const revenueCurrency = currencies[0];
  drawChart('timeseries-chart', {
    type: 'bar',
    data: {
      labels,
      datasets: [
        ...events.map((event) => ({ type: 'bar' as const, label: event, data: series.days.map((d) => d.counts[event] ?? 0), backgroundColor: colorOf(event), borderRadius: 3, stack: 'events', yAxisID: 'y' })),
        ...(revenueCurrency
          ? [{ type: 'line' as const, label: `revenue (${revenueCurrency})`, data: series.days.map((d) => major(d.revenue[revenueCurrency] ?? 0, revenueCurrency)), borderColor: '#0f9f6e', backgroundColor: 'rgba(15,159,110,.08)', fill: true, tension: 0.3, pointRadius: 0, yAxisID: 'revenue' }]
          : []),
      ],
    },
    options: {
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 10, boxHeight: 10, usePointStyle: true } } },
      scales: {
        x: { stacked: true, grid: { display: false } },
        y: { stacked: true, beginAtZero: true, grid: { color: '#eef0f5' } },
        revenue: { display: Boolean(revenueCurrency), position: 'right', beginAtZero: true, grid: { display: false } },
      },
    },
  });
  table(
    $('timeseries-table'),
    ['Date', ...events, 'Revenue'],
    [...series.days].reverse().map((d) => [d.date, ...events.map((e) => d.counts[e] ?? 0), revenueText(d.revenue)]),
  );
}

function renderFunnels(results: [string, FunnelResult | Error][]): void {
  const section = $('funnels');
  section.replaceChildren();
  for (const [name, result] of results) {
    const info = state.catalog!.funnels.find((f) => f.name === name)!;
    const card = el('section', { className: 'card funnel' }, el('h2', {}, name.replace(/_/g, ' ')), el('p', { className: 'sub' }, info.description));
    card.dataset.funnel = name;
    section.append(card);
    if (result instanceof Error) {
      card.append(el('p', { className: 'empty' }, result.message));
      continue;
    }
    const canvasId = `funnel-${name}`;
    card.append(el('div', { className: 'chart small' }, el('canvas', { id: canvasId })));
    const tableNode = el('table', { className: 'funnel-steps' });
    card.append(el('div', { className: 'table-wrap' }, tableNode));
    table(tableNode, ['Step', 'Units', 'Conversion', 'From previous', 'Median time', 'P75 time'], result.steps.map((s, i) => [`${i + 1}. ${s.event}`, s.count, percent.format(s.conversion), i ? percent.format(s.conversionFromPrevious) : '–', duration(s.medianSeconds), duration(s.p75Seconds)]));
    card.append(el('div', { className: 'stats' }, el('div', {}, el('span', {}, 'Overall'), el('b', {}, percent.format(result.steps.at(-1)?.conversion ?? 0))), el('div', {}, el('span', {}, 'Median total'), el('b', {}, duration(result.totalMedianSeconds))), el('div', {}, el('span', {}, 'P75 total'), el('b', {}, duration(result.totalP75Seconds)))));
    drawChart(canvasId, {
      type: 'bar',
      data: {
        labels: result.steps.map((s, i) => `${i + 1}. ${s.event}`),
        datasets: [{ label: 'units', data: result.steps.map((s) => s.count), backgroundColor: result.steps.map((s) => colorOf(s.event)), borderRadius: 6 }],
      },
      options: {
        indexAxis: 'y',
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => { const s = result.steps[item.dataIndex]; return ` ${integer.format(s.count)} units · ${percent.format(s.conversion)} · median ${duration(s.medianSeconds)}`; } } },
        },
        scales: { x: { beginAtZero: true, grid: { color: '#eef0f5' } }, y: { grid: { display: false } } },
      },
    });
  }
}

async function renderProjection(): Promise<void> {
  const series = ($('projection-series') as HTMLSelectElement).value;
  const summary = $('projection-summary');
  if (!series) return void summary.replaceChildren(el('p', { className: 'empty' }, 'Nothing to project'));
  const result = await api<{ projections: ProjectionResult[] }>('projections', {
    series,
    window_days: ($('projection-window') as HTMLSelectElement).value,
    horizon_days: ($('projection-horizon') as HTMLSelectElement).value,
    end_date: scope().end_date,
    organization_id: scope().organization_id,
  });
  const projection = result.projections[0];
  if (projection.status !== 'ok') {
    charts.get('projection-chart')?.destroy();
    charts.delete('projection-chart');
    summary.replaceChildren(el('p', { className: 'empty', id: 'projection-empty' }, `Not enough data: the window needs ${projection.needDays} days of history, there are ${projection.haveDays}.`));
    return;
  }
  const key = Object.keys(projection.average)[0] ?? series;
  const show = (value: number) => (projection.kind === 'revenue' ? money(value, key) : integer.format(Math.round(value * 10) / 10));
  const history = projection.history.map((d) => d.values[key] ?? 0);
  const forecast = projection.forecast.map((d) => d.values[key] ?? 0);
  const plotted = (value: number) => (projection.kind === 'revenue' ? major(value, key) : value);
  drawChart('projection-chart', {
    type: 'line',
    data: {
      labels: [...projection.history, ...projection.forecast].map((d) => d.date.slice(5)),
      datasets: [
        { label: 'history', data: [...history.map(plotted), ...forecast.map(() => null)], borderColor: '#4f46e5', backgroundColor: 'rgba(79,70,229,.08)', fill: true, tension: 0.3, pointRadius: 0 },
        { label: 'forecast', data: [...history.map((v, i) => (i === history.length - 1 ? plotted(v) : null)), ...forecast.map(plotted)], borderColor: '#f59e0b', borderDash: [6, 4], pointRadius: 0 },
      ],
    },
    options: { maintainAspectRatio: false, plugins: { legend: { position: 'bottom', labels: { boxWidth: 10, boxHeight: 10 } } }, scales: { x: { grid: { display: false } }, y: { beginAtZero: true, grid: { color: '#eef0f5' } } } },
  });
  const growth = projection.growthRate[key];
  summary.replaceChildren(
    el('div', { className: 'stats', id: 'projection-stats' },
      el('div', {}, el('span', {}, 'Per day'), el('b', {}, show(projection.average[key] ?? 0))),
      el('div', {}, el('span', {}, `Next ${projection.horizonDays}d`), el('b', {}, show(projection.horizonTotal[key] ?? 0))),
      el('div', {}, el('span', {}, 'Growth'), el('b', { className: growth == null ? '' : growth >= 0 ? 'up' : 'down' }, growth == null ? '–' : `${growth >= 0 ? '+' : ''}${percent.format(growth)}`)),
    ),
  );
}

function renderTop(overview: OverviewResult): void {
  const rows = overview.top?.rows ?? [];
  table($('top-table'), [overview.top?.property ?? 'value', 'Events', 'Revenue'], rows.map((r) => [r.value === null ? '(none)' : String(r.value), r.count, revenueText(r.revenue)]));
}

async function refresh(): Promise<void> {
  const mine = ++generation;
  document.body.dataset.state = 'loading';
  const catalog = state.catalog!;
  const events = selectedEvents();
  try {
    const [overview, series, funnels] = await Promise.all([
      api<OverviewResult>('overview', { ...scope(), event_types: events, funnel: catalog.funnels[0]?.name, top_property: ($('top-property') as HTMLSelectElement).value || undefined, top_by: ($('top-by') as HTMLSelectElement).value }),
      api<TimeseriesResult>('timeseries', { ...scope(), event_types: events }),
      Promise.all(catalog.funnels.map(async (f): Promise<[string, FunnelResult | Error]> => [f.name, await api<FunnelResult>(`funnels/${encodeURIComponent(f.name)}`, scope()).catch((error: Error) => error)])),
    ]);
    if (mine !== generation) return;
    notice(overview.range.clamped ? `The range was clamped to 365 days: ${overview.range.from.slice(0, 10)} to ${overview.range.to.slice(0, 10)}.` : '');
    renderKpis(overview);
    renderTimeseries(series);
    renderFunnels(funnels);
    renderTop(overview);
    await renderProjection();
    if (mine !== generation) return;
    document.body.dataset.state = 'ready';
    performance.mark('trackplan:dashboard-ready');
  } catch (error) {
    if (mine !== generation) return;
    notice(`Could not load the reports: ${(error as Error).message}`, 'error');
    document.body.dataset.state = 'error';
  }
}

function setRange(days: number): void {
  const today = Date.now();
  state.to = utcDay(today);
  state.from = utcDay(today - (days - 1) * DAY_MS);
  ($('from') as HTMLInputElement).value = state.from;
  ($('to') as HTMLInputElement).value = state.to;
  for (const button of document.querySelectorAll<HTMLButtonElement>('.quick button')) button.classList.toggle('active', Number(button.dataset.days) === days);
}

async function start(): Promise<void> {
  const [catalog, organizations] = await Promise.all([api<CatalogInfo>('catalog'), api<{ organizations: string[] }>('organizations')]);
  state.catalog = catalog;
  $('catalog-name').textContent = `${catalog.name} · dashboard`;
  document.title = `${catalog.name} · trackplan dashboard`;
  for (const event of catalog.events) colorOf(event.name);
  // Start with the first funnel's events (the KPI story), else every event.
  const initial = catalog.funnels[0]?.steps ?? catalog.events.map((e) => e.name);
  state.events = new Set(initial.filter((name) => catalog.events.some((e) => e.name === name)));
  const org = $('org') as HTMLSelectElement;
  for (const id of organizations.organizations) org.append(el('option', { value: id }, id));
  const seriesSelect = $('projection-series') as HTMLSelectElement;
  for (const name of catalog.series) seriesSelect.append(el('option', { value: name }, name));
  const topSelect = $('top-property') as HTMLSelectElement;
  for (const name of catalog.properties) topSelect.append(el('option', { value: name }, name));
  renderChips();
  const params = new URLSearchParams(location.search);
  setRange(Number(params.get('days')) || 30);
  org.value = params.get('organization_id') ?? '';
  state.organization = org.value;

  org.addEventListener('change', () => { state.organization = org.value; void refresh(); });
  for (const button of document.querySelectorAll<HTMLButtonElement>('.quick button')) button.addEventListener('click', () => { setRange(Number(button.dataset.days)); void refresh(); });
  for (const id of ['from', 'to']) $(id).addEventListener('change', () => {
    state.from = ($('from') as HTMLInputElement).value || state.from;
    state.to = ($('to') as HTMLInputElement).value || state.to;
    for (const button of document.querySelectorAll('.quick button')) button.classList.remove('active');
    void refresh();
  });
  for (const id of ['projection-series', 'projection-window', 'projection-horizon']) $(id).addEventListener('change', () => void renderProjection().catch((error: Error) => notice(error.message, 'error')));
  for (const id of ['top-property', 'top-by']) $(id).addEventListener('change', () => void refresh());
  await refresh();
}

start().catch((error: Error) => {
  notice(`Could not start the dashboard: ${error.message}`, 'error');
  document.body.dataset.state = 'error';
});
