// Show upload progress for large import files, then show the server's answer page.
(function () {
  const form = document.getElementById("import-form");
  const bar = document.getElementById("upload-progress");
  if (!form || !bar || !window.XMLHttpRequest) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    bar.hidden = false;
    xhr.upload.addEventListener("progress", (e) => { if (e.lengthComputable) bar.value = 100 * e.loaded / e.total; });
    xhr.upload.addEventListener("load", () => { bar.removeAttribute("value"); });  // server is checking rows
    xhr.addEventListener("load", () => { document.open(); document.write(xhr.responseText); document.close(); });
    xhr.open("POST", form.action || window.location.href);
    xhr.send(new FormData(form));
  });
})();
