/* Booking pages: copy buttons for calendar links, the booking sheet's Escape key, and the
   calendar's form errors. Everything works without this file; it only adds comfort. */
(function () {
  "use strict";

  function showCopyButtons(root) {
    if (!navigator.clipboard) { return; }
    root.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var input = document.querySelector(button.getAttribute("data-copy"));
    if (!input) { return; }
    navigator.clipboard.writeText(input.value).then(function () {
      button.textContent = "Copied";
      window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
    }, function () {
      input.focus();
      input.select(); // no clipboard permission: Ctrl+C copies the selection
    });
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) {
      event.target.select();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var close = document.querySelector("#book-sheet [data-close-sheet]");
    if (close) { close.click(); }
  });

  // The calendar shows a refused booking (e.g. 403: not a member here) in its form, like
  // the 400/409/422 answers that base.html already swaps in.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.xhr.status === 403 && detail.target && detail.target.closest("[data-calendar]")) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });

  document.addEventListener("htmx:load", function (event) { showCopyButtons(event.target); });
  showCopyButtons(document);
})();
