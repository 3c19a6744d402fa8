// The only script of the app (no inline scripts: the Content-Security-Policy forbids them).
// Meeting page: seek the redacted audio to ?t=, on clicks on timestamps and words, highlight the word
// being played and mark its turn as current (class + aria-current + a visible label), copy a link to
// the current moment. Search page: participant suggestions as one types.
(function () {
  "use strict";

  // ---------------------------------------------------------------- participant suggestions
  var suggest = document.querySelector("input[data-suggest]");
  if (suggest && window.fetch) {
    var list = document.getElementById(suggest.getAttribute("list"));
    var timer = null;
    var last = "";
    suggest.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var value = suggest.value.trim();
        if (value === last || value.length < 1) { return; }
        last = value;
        fetch(suggest.dataset.suggest + "?q=" + encodeURIComponent(value), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (names) {
            while (list.firstChild) { list.removeChild(list.firstChild); }
            names.forEach(function (name) {
              var option = document.createElement("option");
              option.value = name;
              list.appendChild(option);
            });
            suggest.dataset.suggestions = String(names.length);
          })
          .catch(function () {});
      }, 150);
    });
  }

  // ---------------------------------------------------------------- meeting page
  var audio = document.getElementById("player");
  var words = Array.prototype.slice.call(document.querySelectorAll(".w[data-start]"));
  var starts = words.map(function (w) { return parseFloat(w.dataset.start); });
  var ends = words.map(function (w) { return parseFloat(w.dataset.end); });
  var current = null;
  var currentTurn = null;

  function setTurn(turn) {
    if (turn === currentTurn) { return; }
    if (currentTurn) { currentTurn.classList.remove("current"); currentTurn.removeAttribute("aria-current"); }
    currentTurn = turn;
    if (turn) { turn.classList.add("current"); turn.setAttribute("aria-current", "true"); }
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
      setTurn(el.closest(".turn"));
    }
  }

  function seek(t, play) {
    if (!audio || isNaN(t)) { return; }
    var apply = function () {
      audio.currentTime = t;
      if (play) { audio.play().catch(function () {}); }
    };
    if (audio.readyState >= 1) { apply(); } else { audio.addEventListener("loadedmetadata", apply, { once: true }); }
    audio.dataset.seeked = String(t);
    highlightAt(t);
  }

  if (audio) {
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
      setTurn(turn);
      seek(t, true);
    });

    var start = parseFloat(new URLSearchParams(window.location.search).get("t"));
    if (!isNaN(start)) {
      seek(start, false);
      var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
      if (target) { setTurn(target); target.scrollIntoView({ block: "center" }); }
    }
  }

  var copy = document.getElementById("copy-moment");
  if (copy) {
    var status = document.getElementById("copy-status");
    copy.addEventListener("click", function () {
      var t = audio ? Math.floor(audio.currentTime * 10) / 10 : 0;
      var url = new URL(copy.dataset.base, window.location.href);
      url.searchParams.set("t", String(t));
      if (currentTurn) { url.hash = currentTurn.id; }
      var text = url.toString();
      copy.dataset.link = text;
      var done = function () { status.textContent = "Lien copié : " + text; };
      var manual = function () { status.textContent = "Copiez ce lien : " + text; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, manual);
      } else {
        manual();
      }
    });
  }
})();
