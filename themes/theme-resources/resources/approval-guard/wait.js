// Approval Guard: lets the waiting sign-in page (and the enrolment page) move on by itself.
// It asks the status endpoint of this browser tab, which holds the request until the decision
// exists (or WAIT_SECONDS pass), and submits the page's form as soon as the state is no longer
// "pending". The server re-checks everything on submit; this script only saves the user a click.
// Without script, the "Continue" button does the same.
(function () {
  "use strict";
  var WAIT_SECONDS = 25;
  // Asking again at once is right after a held request; a quick "pending" (a server that does not
  // hold) is asked again after a pause, and "retry later" after what the server says.
  var POLL_MS = 1000;
  var HELD_MS = 1000;
  var form = document.getElementById("ag-wait-form") || document.getElementById("ag-enrol-form");
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
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "action";
    input.value = "continue";
    form.appendChild(input);
    form.submit();
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

  var copy = document.getElementById("ag-enrol-link-text");
  if (copy) {
    copy.addEventListener("focus", function () { copy.select(); });
  }
  poll();
})();
