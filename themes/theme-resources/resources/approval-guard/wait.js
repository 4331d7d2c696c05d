// Approval Guard: lets the waiting sign-in page (and the enrolment page) move on by itself.
// It asks the status endpoint of this browser tab and submits the page's form as soon as the
// state is no longer "pending". The server re-checks everything on submit; this script only
// saves the user a click. Without script, the "Continue" button does the same.
(function () {
  "use strict";
  var POLL_MS = 1000;
  var form = document.getElementById("ag-wait-form") || document.getElementById("ag-enrol-form");
  if (!form || form.getAttribute("data-state") !== "pending") {
    return;
  }
  var statusUrl = form.getAttribute("data-status-url");
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
    fetch(statusUrl, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          // The server knows better than this page: let it render what happened.
          submitContinue();
          return null;
        }
        return response.json();
      })
      .then(function (body) {
        if (body && body.state && body.state !== "pending") {
          submitContinue();
        } else {
          window.setTimeout(poll, POLL_MS);
        }
      })
      .catch(function () {
        window.setTimeout(poll, POLL_MS * 3);
      });
  }

  var copy = document.getElementById("ag-enrol-link-text");
  if (copy) {
    copy.addEventListener("focus", function () { copy.select(); });
  }
  window.setTimeout(poll, POLL_MS);
})();
