/* Draws the dashboard's charts (this period beside the same period of the previous year) from #dashboard-chart-data. */
(function () {
  "use strict";
  var charts = [];

  function draw() {
    var source = document.getElementById("dashboard-chart-data");
    if (!source || !window.echarts) { return; }
    charts.forEach(function (chart) { chart.dispose(); });
    charts = [];
    JSON.parse(source.textContent).forEach(function (c) {
      var el = document.getElementById("chart-" + c.id);
      if (!el) { return; }
      var chart = window.echarts.init(el);
      chart.setOption({
        color: ["#c62828", "#90a4ae"],
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        // Room for the value labels right of the bars (issue 14: 17,992 was drawn as "17").
        grid: { containLabel: true, left: 10, right: 70, top: 30, bottom: 10 },
        xAxis: { type: "value" },
        yAxis: { type: "category", data: c.labels, inverse: true, axisLabel: { interval: 0 } },
        series: [
          { name: "本期", type: "bar", data: c.now, label: { show: true, position: "right" } },
          { name: "上年同期", type: "bar", data: c.before }
        ]
      });
      el.style.height = Math.max(240, c.labels.length * 38 + 60) + "px";
      chart.resize();
      charts.push(chart);
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (chart) { chart.resize(); }); });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "dashboard-body") { draw(); }
  });
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
