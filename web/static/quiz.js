// Quiz enhancements: countdown from the server's remaining time, autosave, submit at the
// deadline; the organisers' dashboard refreshes itself. Without this file the quiz is a
// plain form with Save and Submit buttons.
(function () {
  "use strict";
  if (document.getElementById("dashboard")) {
    setTimeout(function () { location.reload(); }, 30000);
  }
  if (document.querySelector("[data-pending]")) {
    setTimeout(function () { location.reload(); }, 2000);  // being scored: look again soon
  }
  var form = document.getElementById("quiz-form");
  var clock = document.getElementById("remaining");
  if (!form || !clock || !window.ideabank) { return; }
  var attemptId = form.getAttribute("data-attempt");
  var status = document.getElementById("autosave-status");
  var endsAt = Date.now() + parseInt(clock.getAttribute("data-remaining"), 10) * 1000;
  var submitting = false;
  var timer = null;

  function collect() {
    var answers = {};
    form.querySelectorAll("fieldset[data-question]").forEach(function (fs) {
      var chosen = [];
      fs.querySelectorAll("input:checked").forEach(function (el) { chosen.push(parseInt(el.value, 10)); });
      if (chosen.length) { answers[fs.getAttribute("data-question")] = chosen; }
    });
    var body = { answers: answers };
    var pred = form.querySelector("input[name=prediction]");
    if (pred && pred.value !== "") { body.prediction = parseInt(pred.value, 10); }
    return body;
  }

  function save() {
    return window.ideabank.api("PUT", "/api/v1/attempts/" + attemptId + "/answers", collect())
      .then(function (r) {
        if (status) { status.textContent = r.status === 200 ? "✓" : (r.data && r.data.error ? r.data.error.message : ""); }
        if (r.status === 200 && r.data) { endsAt = Date.now() + r.data.remaining_s * 1000; }
        return r;
      })
      .catch(function () { if (status) { status.textContent = "…"; } });
  }

  function scheduleSave() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 800);
  }

  function submitNow() {
    if (submitting) { return; }
    submitting = true;
    var action = document.createElement("input");
    action.type = "hidden"; action.name = "action"; action.value = "submit";
    form.appendChild(action);
    form.submit();  // the form posts the answers and submits, even if a save was pending
  }

  form.addEventListener("change", scheduleSave);
  form.addEventListener("submit", function () { submitting = true; });

  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    var m = Math.floor(left / 60), s = left % 60;
    clock.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    if (left <= 0) { submitNow(); return; }
    setTimeout(tick, 500);
  }
  tick();
})();
