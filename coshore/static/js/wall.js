/* The wall's post form: skills suggested from the text (an htmx fragment) join the chips of
   the skill picker (skill-picker.js); the locality shows the remote fields. */
(function () {
  "use strict";
  var field = document.getElementById("skills-field");
  if (!field || !field.coshoreAddChip) { return; }
  // Suggestions from the text (an htmx fragment): a click adds the skill as a chip.
  field.addEventListener("click", function (event) {
    var suggestion = event.target.closest(".chip-suggest");
    if (!suggestion) { return; }
    field.coshoreAddChip(suggestion.dataset.uri, suggestion.dataset.label);
    var item = suggestion.closest("li");
    var list = item.parentNode;
    item.remove();
    if (!list.children.length && list.previousElementSibling) { list.previousElementSibling.remove(); list.remove(); }
  });
})();


(function () {
  "use strict";
  var locality = document.getElementById("id_locality");
  var remote = document.getElementById("remote-fields");
  if (!locality || !remote) { return; }
  function sync() { remote.hidden = locality.value === "on_site"; }
  locality.addEventListener("change", sync);
  sync();
  var kinds = document.querySelectorAll("input[name=kind]");
  function syncKind() {
    var checked = document.querySelector("input[name=kind]:checked");
    var kind = checked ? checked.value : document.getElementById("post-form").dataset.kind;
    document.querySelectorAll("[data-for-kind]").forEach(function (el) { el.hidden = el.dataset.forKind !== kind; });
  }
  kinds.forEach(function (k) { k.addEventListener("change", syncKind); });
  syncKind();
})();
