/* Mention autocomplete of the feed: typing "@ana" in a textarea marked data-mention lists the
   feed's members (GET data-mention-api&q=ana); choosing one writes @[Name](user:ID), which the
   server resolves to exactly that person. Without JavaScript, plain @handles still work. */
(function () {
  "use strict";
  var TRIGGER = /(^|[^\w.+-])@([\p{L}\p{N}._-]{1,40})$/u;
  var seq = 0;
  var state = null; // {textarea, list, items, active, start}

  function close() {
    if (state && state.list) state.list.remove();
    if (state && state.textarea) {
      state.textarea.removeAttribute("aria-activedescendant");
      state.textarea.setAttribute("aria-expanded", "false");
    }
    state = null;
  }

  function choose(index) {
    if (!state || !state.items[index]) return;
    var ta = state.textarea;
    var token = state.items[index].token + " ";
    var caret = ta.selectionStart;
    ta.value = ta.value.slice(0, state.start) + token + ta.value.slice(caret);
    var pos = state.start + token.length;
    ta.focus();
    ta.setSelectionRange(pos, pos);
    close();
  }

  function highlight(index) {
    if (!state) return;
    state.active = index;
    Array.prototype.forEach.call(state.list.children, function (li, i) {
      li.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    var current = state.list.children[index];
    if (current) state.textarea.setAttribute("aria-activedescendant", current.id);
  }

  function show(ta, items, start) {
    close();
    if (!items.length) return;
    var list = document.createElement("ul");
    list.className = "mention-list";
    list.id = "mention-list-" + (ta.id || "box");
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "People to mention");
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = list.id + "-" + i;
      li.setAttribute("role", "option");
      li.textContent = item.name;
      li.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the textarea's focus and caret
        choose(i);
      });
      list.appendChild(li);
    });
    ta.insertAdjacentElement("afterend", list);
    ta.setAttribute("aria-controls", list.id);
    ta.setAttribute("aria-expanded", "true");
    state = { textarea: ta, list: list, items: items, active: 0, start: start };
    highlight(0);
  }

  document.addEventListener("input", function (event) {
    var ta = event.target;
    if (!(ta instanceof HTMLTextAreaElement) || !ta.hasAttribute("data-mention")) return;
    var host = ta.closest("[data-mention-api]");
    if (!host) return;
    var before = ta.value.slice(0, ta.selectionStart);
    var match = TRIGGER.exec(before);
    if (!match) {
      close();
      return;
    }
    var start = before.length - match[2].length - 1;
    var mine = ++seq;
    var url = host.getAttribute("data-mention-api") + "&q=" + encodeURIComponent(match[2]);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (data) {
        if (mine === seq && document.activeElement === ta) show(ta, data.items || [], start);
      })
      .catch(function () { /* offline: plain @handles still work */ });
  });

  document.addEventListener("keydown", function (event) {
    if (!state || event.target !== state.textarea) return;
    var n = state.items.length;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((state.active + 1) % n);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight((state.active - 1 + n) % n);
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      choose(state.active);
    } else if (event.key === "Escape") {
      close();
    }
  });

  document.addEventListener("focusout", function (event) {
    if (state && event.target === state.textarea) close();
  });
})();
