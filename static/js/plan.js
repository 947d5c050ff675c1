// What it takes to reach the next predikat: the engine's search can take a few seconds, so the
// report and review pages ask for the section after they load (GET …/rencana?bagian=1) and put
// it in place of the waiting one; without this script, the section links to its own page.
(function () {
  document.querySelectorAll("[data-plan-url]").forEach(function (section) {
    const status = section.querySelector("[data-plan-status]");
    if (status) status.hidden = false;
    fetch(section.dataset.planUrl, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (response.status === 204) { section.remove(); return null; }
        // a session that ended redirects to the sign-in page: not a section to show
        if (!response.ok || response.redirected) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        const holder = document.createElement("template");
        holder.innerHTML = html.trim();
        const fresh = holder.content.firstElementChild;
        if (!fresh || fresh.id !== "naik-predikat") throw new Error("bukan bagian rencana");
        section.replaceWith(fresh);
      })
      .catch(function () {
        if (status) status.textContent = "Langkahnya belum dapat dihitung sekarang; buka tautan di bawah untuk mencoba lagi (bila perlu, masuk kembali).";
      });
  });
})();
