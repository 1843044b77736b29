// kbgen default theme: a copy button on every error message and code block.
// Progressive enhancement only: the pages are complete without this script.
// The templates and the Markdown renderer leave an empty `.copy-slot` at the start of each
// `<pre>`, so putting the button there moves nothing on the page.
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    // Pages opened over plain http or from a file: copy through a selection.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) resolve(); else reject(new Error("copy refused"));
    });
  }

  function addCopyButtons() {
    var main = document.querySelector("main");
    if (!main) return;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    main.appendChild(status);

    main.querySelectorAll("pre").forEach(function (pre) {
      var code = pre.querySelector("code") || pre;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      var what = pre.classList.contains("signature") ? "error message" : "code";
      button.setAttribute("aria-label", "Copy " + what);
      button.addEventListener("click", function () {
        copyText(code.textContent.replace(/\n$/, "")).then(function () {
          button.textContent = "Copied";
          status.textContent = "Copied the " + what + " to the clipboard.";
        }, function () {
          button.textContent = "Failed";
          status.textContent = "Could not copy; select the text and copy it instead.";
        }).then(function () {
          setTimeout(function () { button.textContent = "Copy"; status.textContent = ""; }, 2000);
        });
      });
      var slot = pre.querySelector(":scope > .copy-slot");
      if (slot) pre.replaceChild(button, slot);
      else pre.insertBefore(button, pre.firstChild);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", addCopyButtons);
  else addCopyButtons();
})();
