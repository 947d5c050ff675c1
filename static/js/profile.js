// Cooperative profile: one small chart per key ratio over the tahun buku, the ruleset's band
// edges drawn as dashed lines; every value is also written beside the chart.
(function () {
  const charts = JSON.parse(document.getElementById("profile-data").textContent);
  const id = (n) => n.toLocaleString("id-ID", { maximumFractionDigits: 2 });
  charts.forEach((c) => {
    const canvas = document.getElementById(`chart-${c.kode}`);
    if (!canvas) return;
    const edges = c.batas.map((edge) => ({
      label: `Batas ${id(edge)} %`,
      data: c.tahun.map(() => edge),
      borderColor: "#94a3b8",
      borderDash: [4, 4],
      borderWidth: 1,
      pointRadius: 0,
      fill: false,
    }));
    new Chart(canvas, {
      type: "line",
      data: {
        labels: c.tahun,
        datasets: [{ label: c.label, data: c.nilai, borderColor: "#2563eb", spanGaps: false }, ...edges],
      },
      options: {
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (t) => (t.raw === null ? "–" : `${t.dataset.label}: ${id(t.raw)} %`) } },
        },
        scales: { y: { ticks: { callback: (v) => `${id(v)} %` } } },
      },
    });
  });
})();
