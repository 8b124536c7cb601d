// Similar ideas while typing, on the submit form. Without this file the
// "Check for similar ideas" button does the same through the server.
(function () {
  "use strict";
  var form = document.getElementById("idea-form");
  var box = document.getElementById("similar");
  if (!form || !box || !window.ideabank) { return; }
  var timer = null, last = "";
  var label = box.getAttribute("data-title") || "";
  function text() {
    return Array.prototype.map.call(form.querySelectorAll("[data-similar]"), function (el) { return el.value; }).join(" ").trim();
  }
  function show(items) {
    box.textContent = "";
    if (!items.length) { return; }
    var head = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = box.dataset.heading || "Similar ideas already in the bank";
    head.appendChild(strong); box.appendChild(head);
    var ul = document.createElement("ul");
    items.forEach(function (it) {
      var li = document.createElement("li");
      var a = document.createElement("a"); a.href = "/ideas/" + it.id; a.target = "_blank"; a.textContent = it.title;
      var b = document.createElement("button"); b.type = "button"; b.className = "secondary small";
      b.textContent = "👍 " + (box.dataset.support || "Support this idea instead");
      b.addEventListener("click", function () {
        window.ideabank.api("POST", "/api/v1/ideas/" + it.id + "/vote").then(function (r) {
          b.disabled = true; b.textContent = "✓ " + (r.data && r.data.votes !== undefined ? r.data.votes : "");
        });
      });
      li.appendChild(a); li.appendChild(document.createTextNode(" ")); li.appendChild(b); ul.appendChild(li);
    });
    box.appendChild(ul);
  }
  function check() {
    var t = text();
    if (t.length < 4 || t === last) { return; }
    last = t;
    window.ideabank.api("GET", "/api/v1/ideas/similar?text=" + encodeURIComponent(t)).then(function (r) {
      if (r.status === 200 && r.data) { show(r.data.items); }
    });
  }
  form.querySelectorAll("[data-similar]").forEach(function (el) {
    el.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(check, 400); });
  });
  void label;
})();

// Co-authors by name: type-ahead over GET /api/v1/members?q=. A chosen member becomes a
// ticked checkbox (name="co_author_id"), like the ones the server renders. Without this
// file the form takes co-authors as e-mail addresses instead.
(function () {
  "use strict";
  var box = document.getElementById("co-authors");
  if (!box || !window.ideabank) { return; }
  var lookup = box.querySelector("[data-member-lookup]");
  var input = lookup.querySelector("input");
  var results = lookup.querySelector("ul");
  var list = box.querySelector("[data-co-author-list]");
  var timer = null, asked = "";
  lookup.hidden = false;
  function note(text) {
    results.textContent = "";
    var li = document.createElement("li"); li.className = "muted"; li.textContent = text;
    results.appendChild(li);
  }
  function chosen(id) {
    return list.querySelector('input[name="co_author_id"][value="' + id + '"]');
  }
  function add(member) {
    var existing = chosen(member.id);
    if (existing) { existing.checked = true; return; }
    var li = document.createElement("li");
    var label = document.createElement("label");
    var box_ = document.createElement("input");
    box_.type = "checkbox"; box_.name = "co_author_id"; box_.value = String(member.id); box_.checked = true;
    label.appendChild(box_);
    label.appendChild(document.createTextNode(" " + member.display_name + (member.unit && member.unit.name ? " · " + member.unit.name : "")));
    li.appendChild(label); list.appendChild(li);
  }
  function show(items) {
    results.textContent = "";
    if (!items.length) { note(box.dataset.none || ""); return; }
    items.forEach(function (m) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button"; b.className = "link"; b.setAttribute("role", "option");
      b.textContent = m.display_name + (m.unit && m.unit.name ? " · " + m.unit.name : "");
      b.addEventListener("click", function () {
        add(m); results.textContent = ""; input.value = ""; asked = ""; input.focus();
      });
      li.appendChild(b); results.appendChild(li);
    });
  }
  function ask() {
    var q = input.value.trim();
    if (q === asked) { return; }
    asked = q;
    if (q.length < 3) { if (q) { note(box.dataset.short || ""); } else { results.textContent = ""; } return; }
    window.ideabank.api("GET", "/api/v1/members?q=" + encodeURIComponent(q)).then(function (r) {
      if (input.value.trim() !== q) { return; }
      if (r.status === 200 && r.data) { show(r.data.items); }
      else if (r.data && r.data.error) { note(r.data.error.message); }
    });
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 300); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {  // choose the first match instead of submitting the form
      e.preventDefault();
      var first = results.querySelector("button");
      if (first) { first.click(); }
    }
  });
})();
