// SaoLuu: upload of scanned masters (PDF), resumable. Each chosen PDF is sent in chunks; before
// sending, the server says how much of it it already holds (an interrupted upload resumes there).
// When every PDF is up, the ingest form is sent with their names and sizes: the server takes them
// in as one run and shows its report.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("scan-upload");
  if (!form) return;
  const input = document.getElementById("scan-files");
  const list = document.getElementById("scan-progress");
  const ingest = document.getElementById("scan-ingest");
  const chunkBytes = Number(form.dataset.chunk);
  const maxBytes = Number(form.dataset.max);
  const csrf = form.querySelector('input[name="csrf_token"]').value;
  const words = form.dataset;

  const say = (item, text, kind) => {
    item.status.textContent = text;
    item.row.className = `upload-item upload-${kind}`;
  };

  const held = async (file) => {
    const query = new URLSearchParams({ name: file.name, size: String(file.size) });
    const answer = await fetch(`${form.dataset.stateUrl}?${query}`, { credentials: "same-origin" });
    if (!answer.ok) throw new Error(String(answer.status));
    return (await answer.json()).offset;
  };

  const send = async (file, offset) => {
    const body = new FormData();
    body.append("csrf_token", csrf);
    body.append("name", file.name);
    body.append("size", String(file.size));
    body.append("offset", String(offset));
    body.append("chunk", file.slice(offset, offset + chunkBytes), "chunk");
    const answer = await fetch(form.action, { method: "POST", body, credentials: "same-origin" });
    if (answer.ok || answer.status === 409) return (await answer.json()).offset; // 409: resume where told
    const problem = await answer.json().catch(() => ({}));
    throw new Error(problem.message || String(answer.status));
  };

  const upload = async (file, item) => {
    let offset = await held(file);
    let tries = 0;
    while (offset < file.size) {
      item.bar.value = offset;
      say(item, `${words.msgSending} ${Math.floor((100 * offset) / file.size)}%`, "sending");
      try {
        offset = await send(file, offset);
        tries = 0;
      } catch (error) {
        if (++tries > 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000 * tries)); // back off, then ask again
        offset = await held(file);
      }
    }
    item.bar.value = file.size;
    say(item, words.msgSent, "sent");
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const files = [...input.files];
    if (files.length === 0) return;
    form.querySelector("button[type=submit]").disabled = true;
    list.replaceChildren();
    const done = [];
    for (const file of files) {
      const row = document.createElement("li");
      const name = document.createElement("span");
      name.className = "upload-name";
      name.textContent = file.name;
      const bar = document.createElement("progress");
      bar.max = file.size;
      bar.value = 0;
      bar.setAttribute("aria-label", file.name);
      const status = document.createElement("span");
      status.className = "upload-status";
      row.append(name, bar, status);
      list.append(row);
      const item = { row, bar, status };
      if (!file.name.toLowerCase().endsWith(".pdf")) {
        say(item, words.msgNotPdf, "failed");
        continue;
      }
      if (file.size > maxBytes) {
        say(item, words.msgTooBig, "failed");
        continue;
      }
      say(item, words.msgWaiting, "waiting");
      try {
        await upload(file, item);
        done.push(file);
      } catch (error) {
        say(item, `${words.msgFailed} (${error.message})`, "failed");
      }
    }
    if (done.length === 0) {
      form.querySelector("button[type=submit]").disabled = false;
      return;
    }
    for (const file of done) {
      for (const [field, value] of [["name", file.name], ["size", String(file.size)]]) {
        const hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = field;
        hidden.value = value;
        ingest.append(hidden);
      }
    }
    document.getElementById("scan-ingesting").hidden = false;
    ingest.submit();
  });
});
