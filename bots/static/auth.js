// Who is signed in (PLANS_AUTH): "Signed in as …" and a Sign out button when the server has sessions.
"use strict";

(() => {
  async function showSession() {
    const form = document.querySelector("#sign-out");
    if (!form) return;
    try {
      const res = await fetch("/auth/session", { headers: { Accept: "application/json" } });
      if (!res.ok) return;
      const s = await res.json();
      if (!s.signed_in || (!s.user && !s.can_sign_out)) return;
      form.querySelector(".who").textContent = s.user ? `Signed in as ${s.user}` : "";
      form.querySelector("button").hidden = !s.can_sign_out;
      form.hidden = false;
    } catch (_) { /* the page works without it */ }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", showSession);
  else showSession();
})();
