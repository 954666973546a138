// SaoLuu web pages: small progressive enhancements. Every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // "Select all on this page" for bulk actions: <input type="checkbox" data-select-all="ids">
  for (const master of document.querySelectorAll("input[data-select-all]")) {
    const form = master.form || master.closest("form") || document;
    const boxes = () => form.querySelectorAll(`input[type="checkbox"][name="${master.dataset.selectAll}"]`);
    const sync = () => {
      const all = [...boxes()];
      const checked = all.filter((b) => b.checked).length;
      master.checked = all.length > 0 && checked === all.length;
      master.indeterminate = checked > 0 && checked < all.length;
      for (const out of document.querySelectorAll(`[data-count-of="${master.dataset.selectAll}"]`)) {
        out.textContent = String(checked);
      }
      // Bulk buttons wait for a selection: <button data-needs="ids">
      for (const button of document.querySelectorAll(`button[data-needs="${master.dataset.selectAll}"]`)) {
        button.disabled = checked === 0;
      }
    };
    master.addEventListener("change", () => {
      for (const box of boxes()) box.checked = master.checked;
      sync();
    });
    for (const box of boxes()) box.addEventListener("change", sync);
    sync();
  }

  // Buttons that ask before acting: <button data-confirm="Text?">
  for (const button of document.querySelectorAll("button[data-confirm]")) {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  }

  // Filter forms leave empty fields out of the URL, so bookmarks stay short and readable
  for (const form of document.querySelectorAll("form[data-drop-empty]")) {
    form.addEventListener("submit", () => {
      for (const field of form.elements) {
        if (field.name && field.value === "" && field.type !== "submit") field.disabled = true;
      }
    });
  }
  window.addEventListener("pageshow", () => {
    for (const field of document.querySelectorAll("form[data-drop-empty] :disabled")) field.disabled = false;
  });

  // The scan station: after choosing the action or the batch, the cursor goes back to the code field
  // (the USB scanner types into whatever has the focus): <form data-scan-form> with [data-scan-code]
  for (const form of document.querySelectorAll("form[data-scan-form]")) {
    const code = form.querySelector("[data-scan-code]");
    form.addEventListener("change", (event) => {
      if (code && event.target !== code) code.focus();
    });
  }

  // The footer's print button (hidden when scripts are off: browsers print anyway)
  for (const button of document.querySelectorAll(".js-print")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
