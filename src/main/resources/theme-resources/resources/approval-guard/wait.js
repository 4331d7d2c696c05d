// Approval Guard: lets the waiting sign-in page (and the enrolment page) move on by itself.
// It asks the status endpoint of this browser tab, which holds the request until the decision
// exists (or WAIT_SECONDS pass), and submits the page's form as soon as the state is no longer
// "pending". The server re-checks everything on submit; this script only saves the user a click.
// Without script, the "Continue" button does the same. On a throttled page it counts down to the
// moment a new request may be sent, and tries again by itself when that is soon.
(function () {
  "use strict";
  var WAIT_SECONDS = 25;
  // Asking again at once is right after a held request; a quick "pending" (a server that does not
  // hold) is asked again after a pause, and "retry later" after what the server says.
  var POLL_MS = 1000;
  var HELD_MS = 1000;
  // Waits up to this long are retried by themselves; longer ones wait for the user.
  var AUTO_RETRY_SECONDS = 120;

  function clock(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var rest = s % 60;
    var mm = h > 0 && m < 10 ? "0" + m : String(m);
    return (h > 0 ? h + ":" + mm : mm) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function countDown(until, show, done) {
    function tick() {
      var left = (until - Date.now()) / 1000;
      show(left);
      if (left <= 0) {
        done();
      } else {
        window.setTimeout(tick, Math.min(1000, left * 1000));
      }
    }
    tick();
  }

  function submitWith(form, action) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "action";
    input.value = action;
    form.appendChild(input);
    form.submit();
  }

  // A throttled page: the reason is on the page; count down and try again.
  var retry = document.getElementById("ag-retry");
  var waitForm = document.getElementById("ag-wait-form");
  if (retry && waitForm) {
    var seconds = parseInt(retry.getAttribute("data-retry-after"), 10);
    var button = document.getElementById("ag-try-again");
    var countdown = document.getElementById("ag-retry-countdown");
    if (seconds > 0) {
      retry.hidden = false;
      if (button) {
        button.disabled = true;
      }
      countDown(Date.now() + seconds * 1000, function (left) { countdown.textContent = clock(left); }, function () {
        if (button) {
          button.disabled = false;
        }
        if (seconds <= AUTO_RETRY_SECONDS) {
          // a moment after the time given, so that the request is not refused as too early
          window.setTimeout(function () { submitWith(waitForm, "resend"); }, 500);
        }
      });
    }
    return;
  }

  var form = waitForm || document.getElementById("ag-enrol-form");
  if (!form || form.getAttribute("data-state") !== "pending") {
    return;
  }
  var statusUrl = form.getAttribute("data-status-url") + "&wait=" + WAIT_SECONDS;
  var submitted = false;

  function submitContinue() {
    if (submitted) {
      return;
    }
    submitted = true;
    submitWith(form, "continue");
  }

  function poll() {
    if (submitted) {
      return;
    }
    var askedAt = Date.now();
    fetch(statusUrl, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 429) {
          var retryAfter = parseInt(response.headers.get("Retry-After"), 10);
          window.setTimeout(poll, (retryAfter > 0 && retryAfter < 60 ? retryAfter : 2) * 1000);
          return null;
        }
        if (!response.ok) {
          // The server knows better than this page: let it render what happened.
          submitContinue();
          return null;
        }
        return response.json().then(function (body) {
          if (body && body.state && body.state !== "pending") {
            submitContinue();
          } else {
            window.setTimeout(poll, Date.now() - askedAt >= HELD_MS ? 0 : POLL_MS);
          }
        });
      })
      .catch(function () {
        window.setTimeout(poll, POLL_MS * 3);
      });
  }

  // The enrolment page: copy the link, and show how long it still works.
  var linkText = document.getElementById("ag-enrol-link-text");
  if (linkText) {
    linkText.addEventListener("focus", function () { linkText.select(); });
    var copy = document.getElementById("ag-enrol-copy");
    if (copy && navigator.clipboard) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(linkText.value).then(function () {
          copy.textContent = copy.getAttribute("data-copied");
        });
      });
    }
    var waiting = document.getElementById("ag-enrol-waiting");
    var expiresAt = parseInt(waiting && waiting.getAttribute("data-expires-at"), 10);
    var expiry = document.getElementById("ag-enrol-expiry");
    var continueButton = document.getElementById("ag-enrol-continue");
    if (continueButton) {
      continueButton.hidden = true; // the page moves on by itself
    }
    if (expiresAt > 0 && expiry) {
      expiry.hidden = false;
      var enrolCountdown = document.getElementById("ag-enrol-countdown");
      countDown(expiresAt * 1000, function (left) { enrolCountdown.textContent = clock(left); }, function () {
        expiry.hidden = true;
        document.getElementById("ag-enrol-expired").hidden = false;
        if (continueButton) {
          continueButton.textContent = continueButton.getAttribute("data-new-link");
          continueButton.hidden = false;
        }
      });
    }
  }
  poll();
})();
