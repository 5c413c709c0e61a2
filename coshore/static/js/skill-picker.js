/* The ESCO skill picker shared by the profile form, the wall's post form, the event form and
   the wall's filters: an autocomplete over the skills API whose picks become chips with hidden
   inputs (named by the field's data-input-name, `skills` by default). With data-single a pick
   replaces the chip there was; with data-autosubmit the form is submitted when the chips
   change (the wall's filters). The field element (#skills-field, data-api-url) gets
   `coshoreAddChip(uri, label)` for other scripts. */
(function () {
  "use strict";
  var field = document.getElementById("skills-field");
  if (!field) { return; }
  var apiUrl = field.dataset.apiUrl;
  var input = document.getElementById("skill-search");
  var list = document.getElementById("skill-suggestions");
  var chips = document.getElementById("skill-chips");
  var inputName = field.dataset.inputName || "skills";
  var single = field.hasAttribute("data-single");
  var autosubmit = field.hasAttribute("data-autosubmit");
  var timer = null;
  var controller = null;
  var active = -1;

  function chosen() {
    return Array.prototype.map.call(chips.querySelectorAll("input[type=hidden]"), function (el) { return el.value; });
  }

  function close() {
    list.hidden = true;
    list.textContent = "";
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function changed() {
    var form = field.closest("form");
    if (autosubmit && form) { form.requestSubmit(); }
  }

  function addChip(uri, label) {
    if (chosen().indexOf(uri) !== -1) { return; }
    if (single) { chips.textContent = ""; }
    var li = document.createElement("li");
    li.className = "chip";
    li.dataset.uri = uri;
    var span = document.createElement("span");
    span.textContent = label;
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = inputName;
    hidden.value = uri;
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "chip-remove btn-ghost";
    remove.setAttribute("aria-label", "Remove " + label);
    remove.textContent = "×";
    li.appendChild(span);
    li.appendChild(hidden);
    li.appendChild(remove);
    chips.appendChild(li);
    changed();
  }

  function highlight(index) {
    var options = list.querySelectorAll("[role=option]");
    if (!options.length) { return; }
    active = (index + options.length) % options.length;
    options.forEach(function (opt, i) { opt.setAttribute("aria-selected", i === active ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", options[active].id);
  }

  function pick(option) {
    addChip(option.dataset.uri, option.dataset.label);
    input.value = "";
    close();
    input.focus();
  }

  function labelOf(item) {
    return item.label || item.preferred_label || item.name || item.uri;
  }

  function show(items) {
    list.textContent = "";
    var taken = chosen();
    items.filter(function (item) { return item && item.uri && taken.indexOf(item.uri) === -1; })
      .slice(0, 10)
      .forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = "skill-option-" + i;
        li.setAttribute("role", "option");
        li.dataset.uri = item.uri;
        li.dataset.label = labelOf(item);
        li.textContent = labelOf(item);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); pick(li); });
        list.appendChild(li);
      });
    var open = list.children.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    active = -1;
  }

  function search() {
    var q = input.value.trim();
    if (q.length < 2) { close(); return; }
    if (controller) { controller.abort(); }
    controller = new AbortController();
    fetch(apiUrl + "?q=" + encodeURIComponent(q) + "&limit=10", {
      headers: { "Accept": "application/json" },
      credentials: "same-origin",
      signal: controller.signal
    }).then(function (response) {
      return response.ok ? response.json() : { items: [] };
    }).then(function (data) {
      show(Array.isArray(data) ? data : (data.items || []));
    }).catch(function () { /* aborted or offline: keep the form usable */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener("keydown", function (event) {
    var options = list.querySelectorAll("[role=option]");
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
    else if (event.key === "Enter") {
      // Enter picks a suggestion; it never submits the whole form from this box.
      event.preventDefault();
      if (options.length) { pick(options[active >= 0 ? active : 0]); }
    } else if (event.key === "Escape") { close(); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
  chips.addEventListener("click", function (event) {
    var button = event.target.closest(".chip-remove");
    if (button) { button.closest(".chip").remove(); input.focus(); changed(); }
  });
  field.coshoreAddChip = addChip;
})();
