/**
 * The script the HTML report runs in the browser: it reads the chart specs from the page's JSON
 * data island and draws them with uPlot (inlined before it). It is kept as plain ES5-ish source
 * text, not compiled TypeScript, because the project's compiler has no DOM types and the page must
 * run as is in any browser, offline. Everything a chart shows is decided in reports/html.ts; this
 * only turns specs into uPlot options, so the logic that can be wrong is on the typed side.
 *
 * It must not contain a backtick or a dollar-brace: it lives in a template literal.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var HEIGHT = 260;
  var island = document.getElementById('parabench-data');
  if (!island) throw new Error('parabench: the data island is missing');
  var data = JSON.parse(island.textContent || '{}');
  if (typeof uPlot !== 'function') throw new Error('parabench: uPlot did not load');

  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    var a = Math.abs(v);
    var digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
    return v.toLocaleString('en-US', { maximumFractionDigits: digits });
  }

  // x is -log10(1 - q): 0 is the minimum, 1 is p90, 2 is p99, 3 is p99.9...
  function ninesLabel(x) {
    var p = 100 * (1 - Math.pow(10, -x));
    return p.toFixed(Math.max(0, Math.ceil(x - 1e-9) - 2));
  }

  function zeroBased(u, min, max) {
    var top = max === null || !isFinite(max) || max <= 0 ? 1 : max * 1.1;
    return [0, top];
  }

  // Shades the warm-up and the drain so the measured window stands out.
  function phasesPlugin(phases) {
    return {
      hooks: {
        drawClear: function (u) {
          var ctx = u.ctx;
          var top = u.bbox.top;
          var height = u.bbox.height;
          ctx.save();
          for (var i = 0; i < phases.length; i++) {
            var ph = phases[i];
            if (ph.label === 'measured') continue;
            var x0 = Math.max(u.bbox.left, u.valToPos(ph.from, 'x', true));
            var x1 = Math.min(u.bbox.left + u.bbox.width, u.valToPos(ph.to, 'x', true));
            if (x1 <= x0) continue;
            ctx.fillStyle = 'rgba(120, 120, 120, 0.10)';
            ctx.fillRect(x0, top, x1 - x0, height);
            ctx.fillStyle = 'rgba(80, 80, 80, 0.75)';
            ctx.font = Math.round(11 * devicePixelRatio) + 'px system-ui, sans-serif';
            ctx.textBaseline = 'top';
            ctx.fillText(ph.label, x0 + 4 * devicePixelRatio, top + 4 * devicePixelRatio);
          }
          ctx.restore();
        },
      },
    };
  }

  // Writes each bar's value above it: a bar chart of four numbers is read, not eyeballed.
  function barLabelsPlugin(unit) {
    return {
      hooks: {
        draw: function (u) {
          var ctx = u.ctx;
          ctx.save();
          ctx.font = 'bold ' + Math.round(12 * devicePixelRatio) + 'px system-ui, sans-serif';
          ctx.textAlign = 'center';
          ctx.textBaseline = 'bottom';
          ctx.fillStyle = '#222';
          for (var s = 1; s < u.series.length; s++) {
            var ys = u.data[s];
            for (var i = 0; i < ys.length; i++) {
              if (ys[i] === null || ys[i] === undefined) continue;
              var x = u.valToPos(u.data[0][i], 'x', true);
              var y = u.valToPos(ys[i], 'y', true);
              ctx.fillText(fmt(ys[i]) + unit, x, y - 3 * devicePixelRatio);
            }
          }
          ctx.restore();
        },
      },
    };
  }

  function options(spec, width) {
    var kind = spec.x.kind;
    var cats = spec.x.categories || [];
    var xAxis = { label: spec.x.label, labelSize: 30, stroke: '#444', grid: { stroke: '#eee' } };
    var xSeries = { label: spec.x.legend };
    var xScale = { time: false };
    if (kind === 'nines') {
      xAxis.splits = function () { return spec.x.ticks; };
      xAxis.values = function (u, splits) { return splits.map(ninesLabel); };
      xSeries.value = function (u, v) { return v === null ? '–' : 'p' + (100 * (1 - Math.pow(10, -v))).toFixed(3).replace(/\.?0+$/, ''); };
    } else if (kind === 'categories') {
      xAxis.splits = function () { return cats.map(function (_, i) { return i; }); };
      xAxis.values = function (u, splits) { return splits.map(function (i) { return cats[i] || ''; }); };
      xAxis.grid = { show: false };
      xSeries.value = function (u, v) { return v === null ? '–' : cats[v] || ''; };
      xScale.range = function () { return [-0.5, cats.length - 0.5]; };
    } else {
      xSeries.value = function (u, v) { return v === null ? '–' : fmt(v) + ' s'; };
    }
    if (spec.x.range) {
      var r = spec.x.range;
      xScale.range = function () { return [r[0], r[1]]; };
    }
    var series = [xSeries];
    for (var i = 0; i < spec.series.length; i++) {
      (function (s) {
        var o = {
          label: s.label,
          stroke: s.color,
          width: 2,
          value: function (u, v) { return v === null || v === undefined ? '–' : fmt(v) + (s.unit ? ' ' + s.unit : ''); },
        };
        if (s.dash) o.dash = s.dash;
        if (spec.bars) {
          o.fill = s.color;
          o.paths = uPlot.paths.bars({ size: [0.55, 90], align: 0 });
          o.points = { show: false };
        }
        series.push(o);
      })(spec.series[i]);
    }
    var plugins = [];
    if (spec.phases) plugins.push(phasesPlugin(spec.phases));
    if (spec.bars) plugins.push(barLabelsPlugin(spec.y.suffix || ''));
    return {
      width: width,
      height: HEIGHT,
      scales: { x: xScale, y: { range: zeroBased } },
      axes: [
        xAxis,
        {
          label: spec.y.label,
          labelSize: 30,
          stroke: '#444',
          grid: { stroke: '#eee' },
          size: 60,
          values: function (u, splits) { return splits.map(fmt); },
        },
      ],
      series: series,
      plugins: plugins,
      cursor: { drag: { x: kind !== 'categories', y: false } },
      // Bars carry their values as labels; a legend that only fills in on hover would repeat them.
      legend: { live: kind !== 'categories' },
    };
  }

  var charts = data.charts || [];
  for (var c = 0; c < charts.length; c++) {
    (function (spec) {
      var el = document.querySelector('[data-chart="' + spec.id + '"] .chart-canvas');
      if (!el) throw new Error('parabench: no container for chart ' + spec.id);
      var width = Math.max(280, el.clientWidth);
      var plot = new uPlot(options(spec, width), spec.data, el);
      el.setAttribute('data-rendered', 'true');
      // Charts follow the page's width (a laptop, a phone, a printed page).
      if (typeof ResizeObserver === 'function') {
        var last = width;
        new ResizeObserver(function () {
          var w = Math.max(280, el.clientWidth);
          if (w !== last) {
            last = w;
            plot.setSize({ width: w, height: HEIGHT });
          }
        }).observe(el);
      }
    })(charts[c]);
  }
})();
`;
