// Dashboard charts; every number is also in the table beside the chart.
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const id = (n) => n.toLocaleString("id-ID", { maximumFractionDigits: 2 });
  new Chart(document.getElementById("chart-kecamatan"), {
    type: "bar",
    data: {
      labels: data.kecamatan,
      datasets: [
        { label: "Aktif", data: data.aktif, backgroundColor: "#2563eb", stack: "s" },
        { label: "Tidak aktif", data: data.tidak_aktif, backgroundColor: "#cbd5e1", stack: "s" },
        { label: "Berkualitas", data: data.berkualitas, backgroundColor: "#16a34a" },
      ],
    },
    options: { plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${id(c.raw)}` } } } },
  });
  const nulls = (xs) => xs.map((x) => (x === undefined ? null : x));
  new Chart(document.getElementById("chart-tren"), {
    type: "line",
    data: {
      labels: data.years,
      datasets: [
        { label: "IKU: sehat dan berkualitas (%)", data: nulls(data.iku), borderColor: "#16a34a" },
        { label: "Target IKU (%)", data: nulls(data.iku_target), borderColor: "#dc2626", borderDash: [6, 4], spanGaps: false },
        { label: "Koperasi aktif (%)", data: nulls(data.aktif_pct), borderColor: "#2563eb" },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { callback: (v) => `${id(v)} %` } } } },
  });
})();
