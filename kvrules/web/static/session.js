// Warns before a signed-in session ends (WCAG 2.1 2.2.1 Timing Adjustable): a committee member
// writing a long rationale is told some minutes before, in a live region a screen reader
// announces without moving the focus, and one button extends the session.
//
// The page says how many seconds its session has left (data-ends-in). Before warning, and
// before saying it has ended, the script asks /session (which extends nothing): the session
// may have been renewed meanwhile in another tab. Tabs share what they learn through
// localStorage. Without JavaScript nothing warns; the text of a form sent too late is still
// kept through signing in, and a chosen file is asked for again.
"use strict";
(function () {
  var timer = document.getElementById("session-timer");
  if (!timer) { return; }
  var SECOND = 1000;
  var maxAge = parseInt(timer.dataset.maxAge, 10) * SECOND;
  var warnBefore = parseInt(timer.dataset.warnBefore, 10) * SECOND;
  var region = document.getElementById("session-warning");
  var KEY = "kvrules.session.ends";
  var endsAt = Date.now() + parseInt(timer.dataset.endsIn, 10) * SECOND;
  var shown = null;  // the message on show: "warning", "ended", "extended" or null
  var asking = false;

  function learnt(at) {  // the session's end as the server last said it, told to other tabs
    endsAt = at;
    try { window.localStorage.setItem(KEY, String(at)); } catch (e) { /* storage off */ }
  }
  function clock(at) {
    var when = new Date(at);
    return ("0" + when.getHours()).slice(-2) + ":" + ("0" + when.getMinutes()).slice(-2);
  }
  function fit() {
    // The page keeps free below the field with the focus what the warning measures: at 400%
    // zoom (320 x 256 px) it takes 172 px, more than any fixed allowance (WCAG 2.2 2.4.11).
    var height = region.getBoundingClientRect().height;
    document.documentElement.style.setProperty("--session-warning-height", height + "px");
  }
  function say(kind, text, withButton) {
    shown = kind;
    // the button pressed goes with the text it sat in: the focus is then given to the new
    // text, not dropped to the page's start (WCAG 2.4.3)
    var hadFocus = region.contains(document.activeElement);
    region.textContent = "";
    var line = document.createElement("p");
    line.textContent = text;
    line.tabIndex = -1;
    region.appendChild(line);
    if (withButton) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "Stay signed in";
      button.addEventListener("click", extend);
      region.appendChild(button);
    }
    document.body.classList.add("session-warned");
    document.documentElement.classList.add("session-warned");  // scroll-padding (2.4.11)
    fit();
    if (hadFocus) { (region.querySelector("button") || line).focus(); }
  }
  function clear() {
    shown = null;
    region.textContent = "";
    document.body.classList.remove("session-warned");
    document.documentElement.classList.remove("session-warned");
  }
  function warn() {
    var minutes = Math.round((endsAt - Date.now()) / (60 * SECOND));
    var within = minutes < 1 ? "in less than a minute" :
      "in about " + minutes + " minute" + (minutes === 1 ? "" : "s");
    say("warning", "Your session ends " + within + " (at " + clock(endsAt) + ") unless you " +
      "stay signed in. Your typed text is kept if it ends, but a file you chose is not.", true);
  }
  function ended() {
    say("ended", "Your session has ended. Your typed text is kept: send the form and sign " +
      "in again to save it. A file you chose is not kept: you will be asked to choose it " +
      "again.", false);
  }
  function show() {  // what endsAt calls for now
    var now = Date.now();
    if (now >= endsAt) {
      if (shown !== "ended") { ended(); }
    } else if (now >= endsAt - warnBefore) {
      if (shown !== "warning") { warn(); }
    } else if (shown === "warning" || shown === "ended") {
      clear();  // renewed meanwhile, in another tab
    }
  }
  function ask() {  // the server's word before saying anything
    if (asking) { return; }
    asking = true;
    fetch("/session", {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (answer) { return answer.json(); })
      .then(function (said) { learnt(Date.now() + said.ends_in * SECOND); show(); })
      .catch(function () { show(); })  // no answer: what the page knew
      .then(function () { asking = false; });
  }
  function tick() {
    // Ended: nothing is asked any more (it polled /session every 5 s for as long as the tab
    // stood open); a renewal in another tab still reaches this one (the storage event).
    if (shown === "ended") { return; }
    var now = Date.now();
    var due = (shown !== "warning" && now >= endsAt - warnBefore) ||
      (shown !== "ended" && now >= endsAt);
    if (due) { ask(); }
  }
  function extend() {
    var body = new FormData();
    body.append("csrf_token", timer.dataset.csrf);
    fetch("/session/renew", {method: "POST", body: body, credentials: "same-origin"})
      .then(function (answer) {
        if (!answer.ok) { learnt(Date.now()); ended(); return null; }
        return answer.json().then(function (said) {
          learnt(Date.now() + said.ends_in * SECOND);
          say("extended", "You stay signed in until " + clock(endsAt) + ".", false);
        });
      })
      .catch(function () {
        say("warning", "The session could not be extended: the server did not answer. Try " +
          "again in a moment.", true);
      });
  }
  show();  // a page opened within the warning time warns at once, not at the first tick
  learnt(endsAt);
  window.addEventListener("storage", function (event) {
    if (event.key === KEY && event.newValue) {
      endsAt = parseInt(event.newValue, 10);
      show();
    }
  });
  window.addEventListener("resize", function () { if (shown) { fit(); } });  // zoomed
  window.setInterval(tick, 5 * SECOND);
})();
