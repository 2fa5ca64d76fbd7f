// The Deadlines view: what is due in the next days and what is overdue (GET /api/digest), with the
// same filters as the calendar feed, and the feed's address to subscribe to in a calendar app.
// Same safety rule as app.js: every string from the server is set with textContent.
"use strict";

(() => {
  const $ = (sel) => document.querySelector(sel);
  let shown = false;
  let latest = 0; // the newest request: an older one answering late must not overwrite its result

  function filters() {
    const params = new URLSearchParams();
    const add = (k, v) => { if (v) params.set(k, v); };
    add("plan", $("#d-plan").value);
    add("driver", $("#d-driver").value.trim());
    add("funding", $("#d-funding").value);
    return params;
  }

  // the feed's address with the chosen filters (its events do not depend on the window or as_of)
  function showCalendarLink() {
    const query = filters().toString();
    const url = new URL(`/api/deadlines.ics${query ? `?${query}` : ""}`, window.location.href);
    $("#d-download").href = url.href;
    $("#d-calendar-url").value = url.href;
    // calendar apps subscribe to webcal:// addresses (URL's protocol setter refuses http -> webcal)
    $("#d-calendar").href = `webcal:${url.href.slice(url.protocol.length)}`;
  }

  function row(item, kind) {
    const { el, cell, planName, FUNDING_LABELS } = window.plansPage;
    const tr = el("tr");
    const what = el("div");
    what.append(el("span", { class: "title" }, item.title || "(untitled)"));
    if (item.timeline) what.append(el("span", { class: "need" }, item.timeline));
    const funding = el("span", { class: `badge f-${item.funding_status}` },
      FUNDING_LABELS[item.funding_status] || item.funding_status);
    const read = el("button", { type: "button", class: "link", "data-section": item.section_id,
      "aria-label": `Read the passage of ${item.plan_name} ${item.number || item.title}` }, "Read");
    tr.append(cell(kind === "due" ? "Due" : "Ended", item.date, "plan"), cell("Plan", planName(item.plan), "plan"),
      cell("No.", item.number), cell("Action", what, "wide"), cell("Drivers", item.drivers.join(", ")),
      cell("Funding", funding), cell("Source", read));
    return tr;
  }

  function fill(id, items, kind) {
    const table = $(`#${id}`);
    const tbody = table.querySelector("tbody");
    tbody.replaceChildren(...items.map((item) => row(item, kind)));
    table.hidden = items.length === 0;
    $(`#${id}-head`).hidden = items.length === 0;
  }

  async function load() {
    const { getJSON, setStatus } = window.plansPage;
    const params = filters();
    params.set("within", $("#d-within").value);
    if ($("#as-of").value) params.set("as_of", $("#as-of").value);
    showCalendarLink();
    const summary = $("#d-summary");
    summary.textContent = "Loading deadlines…";
    const mine = ++latest;
    try {
      const data = await getJSON(`/api/digest?${params}`);
      if (mine !== latest) return; // the filters changed while it loaded: a newer answer is coming
      fill("d-due", data.due, "due");
      fill("d-overdue", data.overdue, "overdue");
      const due = data.due.length
        ? `${data.due.length} due in the next ${data.within} days (to ${data.until})`
        : `Nothing due in the next ${data.within} days (to ${data.until})`;
      const late = data.overdue.length ? `; ${data.overdue.length} overdue (past their end date, not marked done)` : "";
      summary.textContent = `${due}${late}, as of ${data.as_of}.`;
      shown = true;
    } catch (err) {
      if (mine !== latest) return;
      summary.textContent = "";
      setStatus(`Could not load the deadlines: ${err.message}`, "error");
    }
  }

  function init() {
    $("#d-filters").addEventListener("submit", (e) => { e.preventDefault(); load(); });
    for (const id of ["#d-plan", "#d-funding", "#d-within"]) $(id).addEventListener("change", load);
    $("#d-calendar-url").addEventListener("focus", (e) => e.target.select());
    document.addEventListener("plans:deadlines-shown", () => { if (!shown) load(); });
    document.addEventListener("plans:as-of-changed", () => { if (shown) load(); });
    showCalendarLink();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
