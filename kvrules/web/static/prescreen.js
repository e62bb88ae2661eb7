// Pre-screen form: a button under the partners and the funders adds a row in the page, as
// many as the consortium has. Without JavaScript the page has a fixed number of rows and the
// paste box; the server reads every row posted, whatever its number.
"use strict";
document.querySelectorAll("[data-rows]").forEach(function (rows) {
  var stem = rows.dataset.rows;
  var legend = rows.dataset.legend;
  var button = document.createElement("button");
  button.type = "button";
  button.id = "add-" + stem;
  button.textContent = "Add a " + legend.toLowerCase();
  button.addEventListener("click", function () {
    var last = rows.querySelector("fieldset:last-of-type");
    var number = rows.querySelectorAll("fieldset").length;
    var used = Array.prototype.map.call(rows.querySelectorAll("fieldset input[name$='_name']"),
      function (input) { return parseInt(input.name.slice(stem.length), 10); });
    var next = Math.max.apply(null, used.concat([-1])) + 1;
    var row = last.cloneNode(true);
    var from = new RegExp("^" + stem + "\\d+");
    row.querySelectorAll("input").forEach(function (input) {
      input.name = input.name.replace(from, stem + next);
      input.id = input.id.replace(from, stem + next);
      input.value = "";
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      input.removeAttribute("autofocus");
    });
    row.querySelectorAll("label").forEach(function (label) {
      label.htmlFor = label.htmlFor.replace(from, stem + next);
    });
    row.querySelectorAll(".error").forEach(function (problem) { problem.remove(); });
    row.querySelector("legend").textContent = legend + " " + (next + 1);
    row.querySelectorAll("[data-whose]").forEach(function (whose) {
      whose.textContent = " of " + legend.toLowerCase() + " " + (next + 1);
    });
    rows.appendChild(row);
    row.querySelector("input").focus();
  });
  rows.insertAdjacentElement("afterend", button);
});
