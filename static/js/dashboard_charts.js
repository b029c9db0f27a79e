/* The dashboard's two charts, drawn with the vendored Chart.js from the numbers the page
   passes in #dashboard-chart-data (json_script): no inline script, so the
   Content-Security-Policy stays "script-src 'self'". The tables beside the charts hold the
   same numbers for screen readers and for anyone without JavaScript. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-chart-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var css = getComputedStyle(document.documentElement);
  function colour(name, fallback) {
    return (css.getPropertyValue(name) || "").trim() || fallback;
  }
  var blue = colour("--bs-primary", "#0d6efd");
  var green = colour("--bs-success", "#198754");
  var red = colour("--bs-danger", "#dc3545");
  var common = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
  };
  var weeks = document.getElementById("weeks-chart");
  if (weeks) {
    new window.Chart(weeks, {
      type: "bar",
      data: {
        labels: data.weeks,
        datasets: [
          { label: data.labels.opened, data: data.opened, backgroundColor: blue },
          { label: data.labels.closed, data: data.closed, backgroundColor: green },
        ],
      },
      options: common,
    });
  }
  var agencies = document.getElementById("agencies-chart");
  if (agencies) {
    new window.Chart(agencies, {
      type: "bar",
      data: {
        labels: data.agencies,
        datasets: [
          { label: data.labels.on_time, data: data.on_time, backgroundColor: green },
          { label: data.labels.late, data: data.late, backgroundColor: red },
        ],
      },
      options: Object.assign({}, common, {
        indexAxis: "y",
        scales: {
          x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
          y: { stacked: true },
        },
      }),
    });
  }
})();
