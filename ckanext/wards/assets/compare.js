/* Charts of the ward comparison pages (ckanext-wards). Reads the page's figures from
 * <script type="application/json" id="wards-compare-data"> (no inline script, so a strict
 * CSP is fine) and draws them with the vendored Chart.js. Every chart's numbers are also
 * in a table on the page. */
(function () {
  "use strict";
  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
    "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363", "#9c9ede", "#cedb9c", "#e7ba52"];

  function data() {
    var node = document.getElementById("wards-compare-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function refLine(label, value, n, colour, dash) {
    var values = [];
    for (var i = 0; i < n; i++) { values.push(value); }
    return { type: "line", label: label, data: values, borderColor: colour, borderDash: dash,
      borderWidth: 2, pointRadius: 0, fill: false, order: 0 };
  }

  function sharesChart(d) {
    var canvas = document.getElementById("wards-shares-chart");
    if (!canvas || !d.wards) { return; }
    var labels = d.wards.map(function (w) { return w.name; });
    var keys = ["csv", "api", "machine_readable_strict"];
    var colours = ["#1f77b4", "#ff7f0e", "#2ca02c"];
    var datasets = keys.map(function (k, i) {
      return { type: "bar", label: d.texts[k], data: d.wards.map(function (w) { return w[k]; }),
        backgroundColor: colours[i], order: 1 };
    });
    if (d.averages && d.averages.machine_readable_strict != null) {
      datasets.push(refLine(d.texts.ward_average + " (" + d.texts.machine_readable_strict + ")",
        d.averages.machine_readable_strict, labels.length, "#000000", [6, 4]));
    }
    if (d.national && d.national.machine_readable_strict != null) {
      datasets.push(refLine(d.texts.national + " (" + d.texts.machine_readable_strict + ")",
        d.national.machine_readable_strict, labels.length, "#d62728", [2, 3]));
    }
    new window.Chart(canvas, {
      data: { labels: labels, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { min: 0, max: 100, title: { display: true, text: d.texts.percent } } } }
    });
  }

  function trendChart(d) {
    var canvas = document.getElementById("wards-trend-chart");
    if (!canvas || !d.trend) { return; }
    var dates = {};
    Object.keys(d.trend).forEach(function (name) {
      d.trend[name].forEach(function (p) { dates[p.date] = true; });
    });
    var labels = Object.keys(dates).sort();
    var datasets = Object.keys(d.trend).map(function (name, i) {
      var byDate = {};
      d.trend[name].forEach(function (p) { byDate[p.date] = p.machine_readable_strict; });
      return { label: name, data: labels.map(function (x) { return byDate[x] === undefined ? null : byDate[x]; }),
        borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length],
        spanGaps: true, pointRadius: 2, fill: false };
    });
    if (d.national && d.national.machine_readable_strict != null) {
      datasets.push(refLine(d.texts.national, d.national.machine_readable_strict, labels.length, "#d62728", [2, 3]));
    }
    new window.Chart(canvas, {
      type: "line",
      data: { labels: labels, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { position: "right" } },
        scales: { y: { min: 0, max: 100, title: { display: true, text: d.texts.machine_readable_strict + " (%)" } } } }
    });
  }

  function distributionChart(id, labels, values, label) {
    var canvas = document.getElementById(id);
    if (!canvas || !values) { return; }
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: [{ label: label, data: values, backgroundColor: "#1f77b4" }] },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false } } }
    });
  }

  function init() {
    var d = data();
    if (!d || !window.Chart) { return; }
    sharesChart(d);
    trendChart(d);
    distributionChart("wards-stars-chart", d.star_labels, d.stars, d.texts.datasets);
    distributionChart("wards-ratings-chart", d.rating_labels, d.ratings, d.texts.datasets);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
