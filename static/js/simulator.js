// Simulator: while figures change, ask the server for the engine's result of the changed copy
// (POST …/simulasi.json, nothing stored) and show it; without this script the button does it.
(function () {
  const form = document.getElementById("simulator-form");
  const panel = document.querySelector('[data-sim="result"]');
  if (!form || !panel || !form.dataset.jsonUrl) return;
  let timer = null;
  let inFlight = null;

  function clearErrors() {
    form.querySelectorAll(".field-error[data-sim-error]").forEach(el => el.remove());
    form.querySelectorAll('[aria-invalid="true"]').forEach(el => el.removeAttribute("aria-invalid"));
  }

  function showErrors(errors) {
    for (const [name, messages] of Object.entries(errors || {})) {
      const input = form.elements.namedItem(name);
      if (!input || !input.closest) continue;
      input.setAttribute("aria-invalid", "true");
      for (const text of messages) {
        const small = document.createElement("small");
        small.className = "field-error";
        small.dataset.simError = "1";
        small.textContent = text;
        input.insertAdjacentElement("afterend", small);
      }
    }
  }

  function markChanged(names) {
    const changed = new Set(names || []);
    form.querySelectorAll("label[for]").forEach(label => {
      label.classList.toggle("sim-changed", changed.has(label.htmlFor));
    });
  }

  function render(status, data) {
    clearErrors();
    form.querySelectorAll("small.field-error:not([data-sim-error])").forEach(el => el.remove());
    if (status === 200 && data.html !== undefined) {
      panel.innerHTML = data.html;  // rendered and escaped by the server's template
      markChanged(data.changed);
    } else if (data && data.errors) {
      showErrors(data.errors);
    }
  }

  function refresh() {
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    fetch(form.dataset.jsonUrl, {method: "POST", body: new FormData(form), signal: inFlight.signal,
                                 headers: {"Accept": "application/json"}})
      .then(r => r.json().then(data => render(r.status, data)))
      .catch(() => {});
  }

  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, 500); });
  form.addEventListener("change", () => { clearTimeout(timer); timer = setTimeout(refresh, 100); });
})();
