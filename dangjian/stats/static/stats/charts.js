/* Draws the statistics page's charts from the JSON the page carries (#stats-chart-data). */
(function () {
  "use strict";
  var PALETTE = ["#c62828", "#ef6c00", "#f9a825", "#2e7d32", "#1565c0", "#6a1b9a", "#00838f", "#5d4037"];
  var charts = [];

  function option(c) {
    var base = { color: PALETTE, tooltip: {}, textStyle: { fontSize: 14 } };
    if (c.kind === "pie") {
      base.tooltip = { trigger: "item", formatter: "{b}：{c}（{d}%）" };
      base.legend = { bottom: 0 };
      base.series = [{ type: "pie", radius: ["35%", "65%"], label: { formatter: "{b}\n{c}" },
        data: c.labels.map(function (label, i) { return { name: label, value: c.values[i] }; }) }];
      return base;
    }
    var horizontal = c.kind === "hbar";
    // A horizontal bar chart lists its categories top-down, in the order of the table beside it.
    var categories = { type: "category", data: c.labels, inverse: horizontal,
      axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
    var values = { type: "value", minInterval: 1 };
    base.tooltip = { trigger: "axis" };
    // Leave room for the value labels (issue 14: 991 was drawn as "99", 17,992 as "17"): the axis labels are
    // contained in the grid, and the side the value labels stand on gets its own padding.
    base.grid = { containLabel: true, left: 10, right: horizontal ? 70 : 20, top: horizontal ? 20 : 30, bottom: 10 };
    base.xAxis = horizontal ? values : categories;
    base.yAxis = horizontal ? categories : values;
    base.series = [{ type: "bar", data: c.values, label: { show: true, position: horizontal ? "right" : "top" },
      itemStyle: { color: PALETTE[0] } }];
    return base;
  }

  function draw() {
    var source = document.getElementById("stats-chart-data");
    if (!source || !window.echarts) { return; }
    charts.forEach(function (chart) { chart.dispose(); });
    charts = [];
    JSON.parse(source.textContent).forEach(function (c) {
      var el = document.getElementById("chart-" + c.id);
      if (!el) { return; }
      var chart = window.echarts.init(el);
      chart.setOption(option(c));
      charts.push(chart);
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (chart) { chart.resize(); }); });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "stats-body") { draw(); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
