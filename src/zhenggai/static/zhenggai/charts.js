/* The charts page: draws each [data-chart] container from the page's JSON (json_script "chart-data",
 * built by zhenggai.stats.charts) with ECharts, and sends a click on a bar, slice or point to that
 * number's rows (item.url). The table under each chart holds the same numbers; once the chart is drawn
 * it is folded (still there for screen readers and for reading exact values). */
(function () {
  "use strict";

  var instances = {};
  window.zhenggaiCharts = instances; // the browser test reaches the ECharts instances here

  function tooltip(trigger) {
    return { trigger: trigger, confine: true };
  }

  function pieOption(chart) {
    return {
      tooltip: tooltip("item"),
      legend: { type: "scroll", bottom: 0 },
      series: [{
        type: "pie",
        radius: ["35%", "65%"],
        center: ["50%", "45%"],
        label: { formatter: "{b}\n{c}" },
        data: chart.items.map(function (item) {
          var slice = { name: item.label, value: item.value, url: item.url };
          if (item.color) { slice.itemStyle = { color: item.color }; }
          return slice;
        }),
      }],
    };
  }

  function barOption(chart) {
    // Horizontal bars: unit and region names are long; the largest count comes first (at the top).
    var items = chart.items.slice().reverse();
    return {
      tooltip: tooltip("axis"),
      grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category",
        data: items.map(function (item) { return item.label; }),
        axisLabel: { width: 180, overflow: "truncate" },
      },
      series: [{
        type: "bar",
        barMaxWidth: 28,
        label: { show: true, position: "right" },
        data: items.map(function (item) {
          var point = { value: item.value, url: item.url, name: item.label };
          if (item.color) { point.itemStyle = { color: item.color }; }
          return point;
        }),
      }],
    };
  }

  function monthsOption(chart) {
    return {
      tooltip: tooltip("axis"),
      legend: { bottom: 0 },
      grid: { left: 8, right: 16, top: 16, bottom: 32, containLabel: true },
      xAxis: { type: "category", data: chart.items.map(function (item) { return item.label; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        {
          name: chart.series.value,
          type: "bar",
          barMaxWidth: 28,
          data: chart.items.map(function (item) { return { value: item.value, url: item.url }; }),
        },
        {
          name: chart.series.cumulative,
          type: "line",
          symbolSize: 8,
          data: chart.items.map(function (item) { return { value: item.cumulative, url: item.cumulative_url }; }),
        },
      ],
    };
  }

  function mapOption(chart) {
    // Provinces without tasks stay grey; a province's colour deepens with its number of tasks.
    var max = Math.max.apply(null, chart.items.map(function (item) { return item.value; }));
    return {
      tooltip: { trigger: "item", confine: true },
      visualMap: { min: 0, max: max, left: 8, bottom: 8, itemHeight: 80, inRange: { color: ["#d1e7dd", "#146c43"] } },
      series: [{
        type: "map",
        map: "china",
        data: chart.items.map(function (item) { return { name: item.label, value: item.value, url: item.url }; }),
      }],
    };
  }

  var OPTIONS = { pie: pieOption, bar: barOption, months: monthsOption, map: mapOption };

  function render(element, chart) {
    var instance = window.echarts.init(element, null, { renderer: "canvas" });
    instance.setOption(OPTIONS[chart.type](chart));
    instance.on("click", function (params) {
      if (params.data && params.data.url) { window.location.assign(params.data.url); }
    });
    instances[chart.id] = instance;
    var table = element.parentNode.querySelector("details[data-testid=chart-table]");
    if (table) { table.removeAttribute("open"); }
  }

  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var chart = data.charts[element.dataset.chart];
      if (!chart || !chart.items.length || !OPTIONS[chart.type]) { return; }
      if (chart.type === "map") {
        // The map's outlines (a static file) are fetched only when the page has a map to show.
        fetch(chart.geo_url)
          .then(function (response) { return response.json(); })
          .then(function (geo) {
            window.echarts.registerMap("china", geo);
            render(element, chart);
          });
        return;
      }
      render(element, chart);
    });
    window.addEventListener("resize", function () {
      Object.keys(instances).forEach(function (id) { instances[id].resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
