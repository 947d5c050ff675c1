// Live preview: while a draft section changes, ask the server for the engine's score.
(function () {
  const form = document.getElementById("section-form");
  const panel = document.getElementById("preview");
  if (!form || !panel || !form.dataset.previewUrl) return;
  const fmt = (n, d) => n == null ? "–" : n.toLocaleString("id-ID", {minimumFractionDigits: d, maximumFractionDigits: d});
  let timer = null;
  let inFlight = null;

  function render(data) {
    if (!data || data.error) return;
    const set = (key, text) => { const el = panel.querySelector(`[data-preview="${key}"]`); if (el) el.textContent = text; };
    set("total", fmt(data.total, 2));
    set("predikat", data.predikat_label || "belum dapat dinilai");
    set("scored", data.scored);
    set("defined", data.defined);
    const badge = panel.querySelector('[data-preview="predikat"]');
    if (badge) badge.className = "badge predikat-" + (data.predikat || "");
    const list = panel.querySelector('[data-preview="weakest"]');
    if (list) {
      list.replaceChildren(...data.weakest.map(w => {
        const li = document.createElement("li");
        li.textContent = `${w.name} — ${fmt(w.ratio, 2)} % (${w.kategori || "nilai " + fmt(w.nilai, 0)})`;
        return li;
      }));
    }
  }

  function refresh() {
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    fetch(form.dataset.previewUrl, {method: "POST", body: new FormData(form), signal: inFlight.signal,
                                    headers: {"Accept": "application/json"}})
      .then(r => r.ok ? r.json() : null).then(render).catch(() => {});
  }

  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, 600); });
})();
