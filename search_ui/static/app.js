// Meeting page: seek the redacted audio to ?t=, on clicks on timestamps and words, and
// highlight the word being played. No other JavaScript in the app.
(function () {
  "use strict";
  var audio = document.getElementById("player");
  if (!audio) { return; }
  var words = Array.prototype.slice.call(document.querySelectorAll(".w[data-start]"));
  var starts = words.map(function (w) { return parseFloat(w.dataset.start); });
  var ends = words.map(function (w) { return parseFloat(w.dataset.end); });
  var current = null;
  var currentTurn = null;

  function seek(t, play) {
    if (isNaN(t)) { return; }
    var apply = function () {
      audio.currentTime = t;
      if (play) { audio.play().catch(function () {}); }
    };
    if (audio.readyState >= 1) { apply(); } else { audio.addEventListener("loadedmetadata", apply, { once: true }); }
    audio.dataset.seeked = String(t);
    highlightAt(t);
  }

  function findWord(t) {
    var lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found >= 0 && t < Math.max(ends[found], starts[found] + 0.05) + 0.25 ? found : -1;
  }

  function highlightAt(t) {
    var i = findWord(t);
    var el = i >= 0 ? words[i] : null;
    if (el === current) { return; }
    if (current) { current.classList.remove("playing"); }
    current = el;
    if (el) {
      el.classList.add("playing");
      var turn = el.closest(".turn");
      if (turn !== currentTurn) {
        if (currentTurn) { currentTurn.classList.remove("current"); }
        currentTurn = turn;
        if (turn) { turn.classList.add("current"); }
      }
    }
  }

  audio.addEventListener("timeupdate", function () { highlightAt(audio.currentTime); });
  audio.addEventListener("seeked", function () { highlightAt(audio.currentTime); });

  document.addEventListener("click", function (event) {
    var ts = event.target.closest("a.ts");
    var word = event.target.closest(".w[data-start]");
    var t = ts ? parseFloat(ts.dataset.t) : word ? parseFloat(word.dataset.start) : NaN;
    if (isNaN(t)) { return; }
    event.preventDefault();
    var url = new URL(window.location.href);
    url.searchParams.set("t", String(t));
    var turn = (ts || word).closest(".turn");
    url.hash = turn ? turn.id : "";
    history.replaceState(null, "", url.toString());
    seek(t, true);
  });

  var start = parseFloat(new URLSearchParams(window.location.search).get("t"));
  if (!isNaN(start)) {
    seek(start, false);
    var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
    if (target) { target.scrollIntoView({ block: "center" }); }
  }
})();
