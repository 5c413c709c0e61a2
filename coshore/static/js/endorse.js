// Endorsement page: ESCO skill autocomplete per teammate (the /api/v1/skills endpoint); a
// picked skill becomes a ticked checkbox `endorse=<person>|<uri>`. Without JS, the profile
// skills can still be ticked.
(function () {
  "use strict";
  var form = document.getElementById("endorse-form");
  if (!form) { return; }
  var apiUrl = form.dataset.apiUrl;

  form.querySelectorAll(".endorse-mate").forEach(function (box) {
    var person = box.dataset.person;
    var input = box.querySelector(".endorse-search");
    var list = box.querySelector(".autocomplete-list");
    var chips = box.querySelector(".endorse-skills");
    var timer = null;

    function close() { list.hidden = true; list.textContent = ""; input.setAttribute("aria-expanded", "false"); }

    function add(uri, label) {
      var value = person + "|" + uri;
      var existing = Array.prototype.find.call(chips.querySelectorAll("input[name=endorse]"), function (el) { return el.value === value; });
      if (existing) { existing.checked = true; return; }
      var li = document.createElement("li");
      li.className = "chip";
      var lab = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox"; box.name = "endorse"; box.value = value; box.checked = true;
      lab.appendChild(box);
      lab.appendChild(document.createTextNode(" " + label));
      li.appendChild(lab);
      chips.appendChild(li);
    }

    function show(items) {
      list.textContent = "";
      items.slice(0, 10).forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = "skill-option-" + person + "-" + i;
        li.setAttribute("role", "option");
        li.textContent = item.label;
        li.addEventListener("mousedown", function (event) {
          event.preventDefault(); add(item.uri, item.label); input.value = ""; close(); input.focus();
        });
        list.appendChild(li);
      });
      list.hidden = list.children.length === 0;
      input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        fetch(apiUrl + "?limit=10&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (data) { if (input.value.trim() === q) { show(data.items || []); } })
          .catch(close);
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        var first = list.querySelector("[role=option]");
        if (first) { first.dispatchEvent(new MouseEvent("mousedown")); }
      } else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  });
})();
