// The sign-in form: keep the part of the address after "#" (a passage link from Slack,
// /#section=<id>), which the browser never sends to the server, so it opens after signing in.
"use strict";

(() => {
  const next = document.querySelector("input[name=next]");
  if (next && window.location.hash && !next.value.includes("#")) next.value += window.location.hash;
})();
