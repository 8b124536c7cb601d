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
