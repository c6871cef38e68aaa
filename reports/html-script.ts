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

  // Wide enough for the longest tick label (7 digits and their commas need more than 60 px).
  function yAxisSize(u, values) {
    var longest = 0;
    for (var i = 0; values && i < values.length; i++) longest = Math.max(longest, String(values[i]).length);
    return Math.max(60, Math.ceil(longest * 7.5) + 16);
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

  // Shaded stretches of x with a label (the capacity report's failing rates): the shade under the
  // data, the label over the grid and the data, so neither hides it.
  function regionsPlugin(regions) {
    function each(u, fn) {
      var left = u.bbox.left;
      var right = u.bbox.left + u.bbox.width;
      for (var i = 0; i < regions.length; i++) {
        var r = regions[i];
        var x0 = Math.max(left, u.valToPos(r.from, 'x', true));
        var x1 = r.to === null ? right : Math.min(right, u.valToPos(r.to, 'x', true));
        if (x1 > x0) fn(r, x0, x1, right);
      }
    }
    return {
      hooks: {
        drawClear: function (u) {
          var ctx = u.ctx;
          ctx.save();
          each(u, function (r, x0, x1) {
            ctx.fillStyle = r.fill;
            ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
          });
          ctx.restore();
        },
        draw: function (u) {
          var ctx = u.ctx;
          var px = devicePixelRatio;
          ctx.save();
          // uPlot leaves the context as its last axis left it (right-aligned, for one).
          ctx.textAlign = 'left';
          ctx.textBaseline = 'top';
          ctx.font = Math.round(11 * px) + 'px system-ui, sans-serif';
          each(u, function (r, x0, x1, right) {
            // A narrow region at the right edge keeps its label inside the plot, ending at the edge.
            var w = ctx.measureText(r.label).width;
            var lx = x0 + 4 * px + w <= right ? x0 + 4 * px : right - 4 * px - w;
            var ly = u.bbox.top + 4 * px;
            ctx.fillStyle = 'rgba(255, 255, 255, 0.8)';
            ctx.fillRect(lx - 2 * px, ly - 1 * px, w + 4 * px, 14 * px);
            ctx.fillStyle = 'rgba(60, 60, 60, 0.9)';
            ctx.fillText(r.label, lx, ly);
          });
          ctx.restore();
        },
      },
    };
  }

  // Lines across the plot at a y (a limit such as an SLO) or an x (a point such as a knee), labelled
  // on the line itself, because a legend entry cannot say where a constant sits.
  function rulesPlugin(rules) {
    return {
      hooks: {
        draw: function (u) {
          var ctx = u.ctx;
          var px = devicePixelRatio;
          var left = u.bbox.left;
          var top = u.bbox.top;
          var right = left + u.bbox.width;
          var bottom = top + u.bbox.height;
          ctx.save();
          ctx.font = Math.round(11 * px) + 'px system-ui, sans-serif';
          ctx.textAlign = 'left';
          var xRules = 0;
          for (var i = 0; i < rules.length; i++) {
            var r = rules[i];
            var p = Math.round(u.valToPos(r.value, r.axis === 'x' ? 'x' : 'y', true));
            var inside = r.axis === 'x' ? p >= left && p <= right : p >= top && p <= bottom;
            if (!inside) continue;
            ctx.strokeStyle = r.color;
            ctx.lineWidth = 1.5 * px;
            ctx.setLineDash((r.dash || []).map(function (d) { return d * px; }));
            ctx.beginPath();
            if (r.axis === 'x') {
              ctx.moveTo(p, top);
              ctx.lineTo(p, bottom);
            } else {
              ctx.moveTo(left, p);
              ctx.lineTo(right, p);
            }
            ctx.stroke();
            ctx.setLineDash([]);
            ctx.fillStyle = r.color;
            var w = ctx.measureText(r.label).width;
            if (r.axis === 'x') {
              // Beside the line, near the top; on its left when the right would leave the plot.
              var lx = p + 4 * px + w <= right ? p + 4 * px : p - 4 * px - w;
              ctx.textBaseline = 'top';
              // Each x rule's label a row lower than the last, so two close lines stay legible.
              ctx.fillText(r.label, lx, top + (18 + 14 * xRules++) * px);
            } else {
              // Just above the line, at the left end, where rising curves usually are not yet.
              ctx.textBaseline = 'bottom';
              ctx.fillText(r.label, left + 6 * px, p - 3 * px);
            }
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
    } else if (kind === 'linear' || kind === 'log2') {
      var xUnit = spec.x.unit ? ' ' + spec.x.unit : '';
      xSeries.value = function (u, v) { return v === null ? '–' : fmt(v) + xUnit; };
      xAxis.values = function (u, splits) { return splits.map(fmt); };
      if (kind === 'log2') {
        xScale.distr = 3;
        xScale.log = 2;
        // uPlot's own log ticks fill in between powers; thread counts read best as 1, 2, 4, 8...
        if (spec.x.ticks) xAxis.splits = function () { return spec.x.ticks; };
      }
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
          width: s.width === undefined ? 2 : s.width,
          value: function (u, v) { return v === null || v === undefined ? '–' : fmt(v) + (s.unit ? ' ' + s.unit : ''); },
        };
        if (s.dash) o.dash = s.dash;
        if (s.spanGaps) o.spanGaps = true;
        if (s.line === false) o.paths = function () { return null; };
        if (s.points && s.points.size === 0) o.points = { show: false };
        else if (s.points) o.points = { show: true, size: s.points.size, width: 1.5, stroke: s.color, fill: s.points.fill || s.color };
        else if (s.line === false) o.points = { show: true };
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
    if (spec.regions) plugins.push(regionsPlugin(spec.regions));
    if (spec.rules) plugins.push(rulesPlugin(spec.rules));
    var opts = {
      width: width,
      height: heightOf(spec),
      scales: { x: xScale, y: { range: spec.y.max ? function () { return [0, spec.y.max]; } : zeroBased } },
      axes: [
        xAxis,
        {
          label: spec.y.label,
          labelSize: 30,
          stroke: '#444',
          grid: { stroke: '#eee' },
          size: yAxisSize,
          values: function (u, splits) { return splits.map(fmt); },
        },
      ],
      series: series,
      plugins: plugins,
      cursor: { drag: { x: kind !== 'categories', y: false } },
      // Bars carry their values as labels; a legend that only fills in on hover would repeat them.
      legend: { live: kind !== 'categories' },
    };
    // uPlot numbers series from 1 (0 is x); the spec numbers them from 0.
    if (spec.bands) opts.bands = spec.bands.map(function (b) { return { series: [b.upper + 1, b.lower + 1], fill: b.fill }; });
    return opts;
  }

  function heightOf(spec) {
    return spec.height || HEIGHT;
  }

  // By attribute, not by a selector built from the id: an id is then never CSS syntax.
  function containerOf(id) {
    var figures = document.querySelectorAll('[data-chart]');
    for (var i = 0; i < figures.length; i++) {
      if (figures[i].getAttribute('data-chart') === id) return figures[i].querySelector('.chart-canvas');
    }
    return null;
  }

  var charts = data.charts || [];
  for (var c = 0; c < charts.length; c++) {
    (function (spec) {
      var el = containerOf(spec.id);
      if (!el) throw new Error('parabench: no container for chart ' + spec.id);
      var width = Math.max(280, el.clientWidth);
      var plot = new uPlot(options(spec, width), spec.data, el);
      // Band edges are read in the tables; in the legend they would only crowd the line they frame.
      for (var k = 0; k < spec.series.length; k++) {
        if (spec.series[k].legend === false) {
          var entry = el.querySelectorAll('.u-legend .u-series')[k + 1];
          if (entry) entry.style.display = 'none';
        }
      }
      el.setAttribute('data-rendered', 'true');
      // Charts follow the page's width (a laptop, a phone, a printed page).
      if (typeof ResizeObserver === 'function') {
        var last = width;
        new ResizeObserver(function () {
          var w = Math.max(280, el.clientWidth);
          if (w !== last) {
            last = w;
            plot.setSize({ width: w, height: heightOf(spec) });
          }
        }).observe(el);
      }
    })(charts[c]);
  }
})();
`;
