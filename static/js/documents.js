// Progressive enhancement for documents: per-file upload progress and live processing status.
// Without JavaScript the upload form posts normally and the page shows the status on reload.
(() => {
  const csrf = () => document.querySelector("[name=csrfmiddlewaretoken]")?.value;

  function uploadOne(form, file, list) {
    const item = document.createElement("li");
    item.innerHTML = `<span></span><div class="progress"><div class="progress__bar"></div></div>`;
    item.querySelector("span").textContent = file.name;
    list.append(item);
    const bar = item.querySelector(".progress__bar");
    const data = new FormData();
    data.append("files", file);
    data.append("label", form.elements.label.value);
    if (form.elements.project) data.append("project", form.elements.project.value);
    return new Promise((resolve) => {
      const request = new XMLHttpRequest();
      request.open("POST", "/api/v1/documents/");
      request.setRequestHeader("X-CSRFToken", csrf());
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) bar.style.width = `${(100 * event.loaded) / event.total}%`;
      });
      request.addEventListener("load", () => {
        const body = JSON.parse(request.responseText || "{}");
        const refused = (body.refused || [])[0];
        item.classList.add(refused || request.status >= 400 ? "upload--refused" : "upload--done");
        const ok = !refused && request.status < 400;
        item.append(document.createTextNode(ok ? " — uploaded" : ` — ${refused ? refused.reason : body.message}`));
        resolve(ok);
      });
      request.addEventListener("error", () => { item.classList.add("upload--refused"); resolve(false); });
      request.send(data);
    });
  }

  function enhanceUpload(form) {
    const input = form.querySelector("input[type=file]");
    const zone = form.querySelector("[data-dropzone]");
    const list = form.querySelector("[data-upload-list]");
    const send = async (files) => {
      const results = [];
      for (const file of files) results.push(await uploadOne(form, file, list));
      // Keep refusals on screen; when everything was accepted, show the new rows.
      if (results.every(Boolean)) window.setTimeout(() => window.location.reload(), 800);
    };
    form.addEventListener("submit", (event) => {
      if (!input.files.length) return;
      event.preventDefault();
      send([...input.files]);
    });
    ["dragenter", "dragover"].forEach((name) => zone.addEventListener(name, (event) => { event.preventDefault(); zone.classList.add("dropzone--over"); }));
    ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, () => zone.classList.remove("dropzone--over")));
    zone.addEventListener("drop", (event) => { event.preventDefault(); send([...event.dataTransfer.files]); });
  }

  async function refresh(row) {
    const response = await fetch(`/api/v1/documents/${row.dataset.document}/`, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const data = await response.json();
    const bar = row.querySelector("[data-progress-bar]") || document.querySelector("[data-progress-bar]");
    if (bar) bar.style.width = `${data.progress}%`;
    if (data.status === "ready" || data.status === "failed") window.location.reload();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-upload]").forEach(enhanceUpload);
    const live = [...document.querySelectorAll("[data-live]")];
    live.forEach((row) => {
      const bar = row.querySelector("[data-progress-bar]") || document.querySelector("[data-progress-bar]");
      const value = row.querySelector("[role=progressbar]")?.getAttribute("aria-valuenow") || 0;
      if (bar) bar.style.width = `${value}%`;
    });
    if (live.length) window.setInterval(() => live.forEach(refresh), 2000);
  });
})();
