// An import's progress: the upload's bytes, then the rows the server has checked and written
// (polled from any worker), then the server's answer page. Without JS the form posts as usual.
(function () {
  const form = document.getElementById("import-form");
  const box = document.getElementById("import-progress");
  if (!form || !box || !window.XMLHttpRequest || !window.fetch) return;
  const bar = box.querySelector("progress");
  const text = box.querySelector("[role=status]");
  const file = form.querySelector("input[type=file]");
  const button = form.querySelector("button[type=submit]");
  const POLL_MS = 500;

  function show(value, max, message) {
    if (max > 0) { bar.max = max; bar.value = Math.min(value, max); } else bar.removeAttribute("value");
    if (text.textContent !== message) text.textContent = message;
  }

  function busy(on) {
    button.disabled = on;
    button.setAttribute("aria-busy", on ? "true" : "false");
  }

  form.addEventListener("submit", (event) => {
    if (!file || !file.files.length) return;  // the server says "Pilih berkas."
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    let finished = false;
    let timer = null;

    // One bar for both phases: checked rows fill the first half, written rows the second.
    function poll() {
      fetch(form.dataset.progressUrl, { credentials: "same-origin", cache: "no-store" })
        .then((response) => (response.ok ? response.json() : null))
        .then((state) => {
          if (state && !finished) show(state.checked + state.written, 2 * state.total, state.pesan);
        })
        .catch(() => {})  // a missed poll only delays the next figure
        .finally(() => { if (!finished) timer = setTimeout(poll, POLL_MS); });
    }

    function stop() {
      finished = true;
      clearTimeout(timer);
    }

    box.hidden = false;
    busy(true);
    show(0, 100, "Mengunggah berkas…");
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) {
        show(e.loaded, e.total, `Mengunggah berkas: ${Math.round(100 * e.loaded / e.total)}%`);
      }
    });
    xhr.upload.addEventListener("load", () => {
      show(0, 0, "Berkas terunggah; pemeriksaan baris dimulai…");
      timer = setTimeout(poll, POLL_MS / 2);
    });
    xhr.addEventListener("load", () => {
      stop();
      document.open();
      document.write(xhr.responseText);
      document.close();
      if (xhr.responseURL) history.replaceState(null, "", xhr.responseURL);  // after a redirect
    });
    xhr.addEventListener("error", () => {
      stop();
      busy(false);
      show(0, 0, "Unggahan terputus. Periksa sambungan, lalu coba lagi.");
      bar.value = 0;
    });
    xhr.open("POST", form.action || window.location.href);
    xhr.send(new FormData(form));
  });
})();
