/* docintel console: hand-written, no third-party code. Boxes, corrections, uploads (file input and drag-and-drop)
   with live state, page replacement, the signature pad and finalize. Every call sends the CSRF token. */
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const root = document.getElementById("case-root");
  window.__console = { timings: [], busy: 0 };

  function words() {
    const el = document.getElementById("i18n");
    return el ? JSON.parse(el.textContent) : {};
  }
  const W = words();

  async function call(method, url, body, headers) {
    const r = await fetch(url, {
      method, body, credentials: "same-origin",
      headers: Object.assign({ "X-CSRF-Token": csrf, "Accept": "application/json" }, headers || {}),
    });
    let data = null;
    try { data = await r.json(); } catch (e) { data = null; }
    if (!r.ok) {
      const zh = document.documentElement.lang.startsWith("zh");
      const msg = data ? (zh ? data.detail_zh || data.detail : data.detail || data.detail_zh) : r.statusText;
      throw new Error(msg || String(r.status));
    }
    return data;
  }

  /* --- boxes ------------------------------------------------------------------------------------------ */
  function placeBoxes(scope) {
    scope.querySelectorAll(".box").forEach((b) => {
      b.style.left = b.dataset.left + "%";
      b.style.top = b.dataset.top + "%";
      b.style.width = b.dataset.width + "%";
      b.style.height = b.dataset.height + "%";
    });
  }
  function highlight(field, scroll) {
    document.querySelectorAll(".box.hi, .field-row.hi").forEach((e) => e.classList.remove("hi"));
    document.querySelectorAll('[data-field="' + CSS.escape(field) + '"]').forEach((e) => {
      if (e.classList.contains("box") || e.classList.contains("field-row")) e.classList.add("hi");
    });
    const box = document.querySelector('.box[data-field="' + CSS.escape(field) + '"]');
    if (box && scroll) box.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
  document.addEventListener("click", (ev) => {
    const show = ev.target.closest(".show-box");
    if (show) { highlight(show.dataset.field, true); return; }
    const box = ev.target.closest(".box");
    if (box) {
      highlight(box.dataset.field, false);
      const row = document.querySelector('.field-row[data-field="' + CSS.escape(box.dataset.field) + '"]');
      if (row) { row.scrollIntoView({ block: "nearest" }); const input = row.querySelector("input, button"); if (input) input.focus(); }
    }
  });
  placeBoxes(document);
  if (!root) return;
  const caseId = root.dataset.case;

  /* --- redrawing the case (a fragment of the page, as HTMX would) --------------------------------------- */
  function stateToken() {
    const el = document.getElementById("state-token");
    return el ? el.dataset.state : "";
  }
  function syncDocOptions() {
    const select = document.getElementById("append-to");
    if (!select) return;
    const keep = select.value;
    while (select.options.length > 1) select.remove(1);
    document.querySelectorAll("[data-doc-option]").forEach((d) => {
      const o = document.createElement("option");
      o.value = d.dataset.docOption;
      o.textContent = d.dataset.docLabel + " " + (W.page_of || "");
      select.appendChild(o);
    });
    select.value = keep;
    if (select.value !== keep) select.value = "";
  }
  function imagesLoaded(scope) {
    const imgs = Array.from(scope.querySelectorAll("img.page-img"));
    return Promise.all(imgs.map((img) => img.complete ? Promise.resolve() :
      new Promise((res) => { img.addEventListener("load", res, { once: true }); img.addEventListener("error", res, { once: true }); })));
  }
  async function redraw(given) {
    let html = given;
    if (!html) {
      const r = await fetch("/console/cases/" + caseId + "?fragment=1", { credentials: "same-origin", headers: { "Accept": "text/html" } });
      if (!r.ok) throw new Error(String(r.status));
      html = await r.text();
    }
    const body = document.getElementById("case-body");
    const focused = document.activeElement && document.activeElement.id;
    body.innerHTML = html;
    placeBoxes(body);
    syncDocOptions();
    const tools = document.querySelector(".tools");
    if (tools && document.querySelector("#case-status.finalized")) tools.hidden = true;
    if (focused) { const el = document.getElementById(focused); if (el) el.focus(); }
    await imagesLoaded(body);
  }
  syncDocOptions();

  /* --- live state while frames are read --------------------------------------------------------------- */
  const statusEl = document.getElementById("upload-status");
  const progressEl = document.getElementById("upload-progress");
  function say(text, failed) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.classList.toggle("failed", !!failed);
  }
  let poller = null;
  function startPolling(label) {
    stopPolling();
    poller = setInterval(async () => {
      try {
        const s = await call("GET", "/console/cases/" + caseId + "/state");
        say(label + " · " + (W.queue || "queue") + " " + s.queue);
      } catch (e) { /* the next tick tries again */ }
    }, 800);
  }
  function stopPolling() { if (poller) { clearInterval(poller); poller = null; } }

  function send(method, url, file, extra, label) {
    return new Promise((resolve, reject) => {
      const form = new FormData();
      form.append("file", file, file.name);
      Object.entries(extra || {}).forEach(([k, v]) => { if (v) form.append(k, v); });
      const xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = (e) => {
        if (progressEl && e.lengthComputable) { progressEl.hidden = false; progressEl.value = e.loaded / e.total; }
        if (e.loaded === e.total) { say(label + " · " + W.reading + "…"); startPolling(label + " · " + W.reading + "…"); }
        else say(label + " · " + W.uploading + " " + Math.round(100 * e.loaded / e.total) + "%");
      };
      xhr.onload = () => {
        stopPolling();
        let data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
        if (xhr.status >= 200 && xhr.status < 300) resolve(data);
        else {
          const zh = document.documentElement.lang.startsWith("zh");
          reject(new Error(data ? (zh ? data.detail_zh || data.detail : data.detail) : String(xhr.status)));
        }
      };
      xhr.onerror = () => { stopPolling(); reject(new Error("network")); };
      xhr.send(form);
    });
  }

  const queue = [];
  async function drain() {
    if (window.__console.busy) return;
    window.__console.busy = 1;
    try {
      while (queue.length) {
        const { method, url, file, extra, n, total } = queue.shift();
        const label = file.name + " (" + n + "/" + total + ")";
        const t0 = performance.now();
        try {
          const res = await send(method, url, file, extra, label);
          const t1 = performance.now();
          await redraw(res.html);  // the answer carries the case part of the page, drawn anew
          const t2 = performance.now();
          const docs = res.documents || [];
          window.__console.timings.push({
            file: file.name, request_ms: t1 - t0, drawn_ms: t2 - t0,
            extraction_ms: docs.reduce((a, d) => a + (d.timing_ms.total || 0), 0),
            boxes: docs.reduce((a, d) => a + document.querySelectorAll('#doc-' + CSS.escape(d.id) + ' .box').length, 0),
          });
          say(label + " · " + W.done + " (" + docs.map((d) => d.fields).join("+") + ")");
        } catch (e) {
          window.__console.timings.push({ file: file.name, error: String(e.message || e) });
          say(label + " · " + W.failed + ": " + (e.message || e), true);
        }
      }
    } finally {
      window.__console.busy = 0;
      if (progressEl) progressEl.hidden = true;
    }
  }
  function enqueue(files) {
    const select = document.getElementById("append-to");
    const list = Array.from(files);
    let appendTo = select ? select.value : "";
    list.forEach((file, i) => {
      queue.push({ method: "POST", url: "/console/cases/" + caseId + "/documents", file, extra: { append_to: appendTo }, n: i + 1, total: list.length });
    });
    drain();
  }
  const input = document.getElementById("upload-files");
  if (input) input.addEventListener("change", () => { enqueue(input.files); input.value = ""; });
  const zone = document.getElementById("dropzone");
  if (zone) {
    ["dragenter", "dragover"].forEach((t) => zone.addEventListener(t, (e) => { e.preventDefault(); zone.classList.add("over"); }));
    ["dragleave", "drop"].forEach((t) => zone.addEventListener(t, (e) => { e.preventDefault(); zone.classList.remove("over"); }));
    zone.addEventListener("drop", (e) => { if (e.dataTransfer && e.dataTransfer.files.length) enqueue(e.dataTransfer.files); });
  }
  document.addEventListener("change", (ev) => {
    const el = ev.target;
    if (el.classList && el.classList.contains("replace-page") && el.files.length) {
      queue.push({ method: "PUT", url: el.dataset.url, file: el.files[0], extra: {}, n: 1, total: 1 });
      drain();
    }
  });

  /* --- corrections ------------------------------------------------------------------------------------- */
  document.addEventListener("submit", async (ev) => {
    const form = ev.target.closest("form.correct");
    if (!form) return;
    ev.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      await call("PATCH", form.dataset.url, JSON.stringify({ value: form.elements["value"].value, reason: form.elements["reason"].value }),
        { "Content-Type": "application/json" });
      await redraw();
    } catch (e) {
      say(W.failed + ": " + (e.message || e), true);
      button.disabled = false;
    }
  });

  /* --- finalize ---------------------------------------------------------------------------------------- */
  document.addEventListener("click", async (ev) => {
    const btn = ev.target.closest("#finalize");
    if (!btn) return;
    // A flagged ID card (photocopy, screen) needs the clerk's reason: it goes with the request and is audited.
    const reasonField = document.getElementById("override-reason");
    const reason = reasonField ? reasonField.value.trim() : "";
    if (reasonField && !reason) { say(W.override_needed, true); reasonField.focus(); return; }
    btn.disabled = true;
    say(W.reading + "…");
    try {
      const body = reasonField ? JSON.stringify({ override_reason: reason }) : undefined;
      const headers = reasonField ? { "Content-Type": "application/json" } : undefined;
      await call("POST", "/console/cases/" + caseId + "/finalize", body, headers);
      await redraw();
      say(W.done);
      const link = document.getElementById("download-application");
      if (link) link.focus();
    } catch (e) {
      say(W.failed + ": " + (e.message || e), true);
      btn.disabled = false;
    }
  });

  /* --- the signature pad ------------------------------------------------------------------------------- */
  const pad = document.getElementById("signature-pad");
  if (pad) {
    const ctx = pad.getContext("2d");
    const signStatus = document.getElementById("signature-status");
    let drawing = false, inked = false, last = null;
    function reset() {
      ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, pad.width, pad.height);
      ctx.strokeStyle = "#101010"; ctx.lineCap = "round"; ctx.lineJoin = "round";
      inked = false;
    }
    function at(e) {
      const r = pad.getBoundingClientRect();
      return { x: (e.clientX - r.left) * pad.width / r.width, y: (e.clientY - r.top) * pad.height / r.height };
    }
    reset();
    pad.addEventListener("pointerdown", (e) => {
      e.preventDefault(); drawing = true; last = at(e);
      try { pad.setPointerCapture(e.pointerId); } catch (err) { /* synthetic events have no capture */ }
    });
    pad.addEventListener("pointermove", (e) => {
      if (!drawing) return;
      const p = at(e);
      ctx.lineWidth = e.pointerType === "pen" && e.pressure ? 1.5 + 4 * e.pressure : 3.5;
      ctx.beginPath(); ctx.moveTo(last.x, last.y); ctx.lineTo(p.x, p.y); ctx.stroke();
      last = p; inked = true;
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach((t) => pad.addEventListener(t, () => { drawing = false; }));
    document.getElementById("signature-clear").addEventListener("click", () => { reset(); signStatus.textContent = ""; });
    document.getElementById("signature-accept").addEventListener("click", async () => {
      if (!inked) { signStatus.textContent = W.failed; return; }
      const blob = await new Promise((res) => pad.toBlob(res, "image/png"));
      try {
        await call("PUT", "/console/cases/" + caseId + "/signature", blob, { "Content-Type": "image/png" });
        signStatus.textContent = W.done;
        await redraw();
      } catch (e) {
        signStatus.textContent = W.failed + ": " + (e.message || e);
      }
    });
  }
})();
