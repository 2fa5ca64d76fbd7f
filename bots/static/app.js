// The chat page: ask the plans, read cited passages, browse actions. No build step, no CDN.
// The Deadlines view is deadlines.js, over the helpers this file lends it (window.plansPage).
// Safety rule: every string from the server (answers, passages, names) is either set with
// textContent or HTML-escaped FIRST and only then given the few tags of our markdown subset.
"use strict";

(() => {
  const $ = (sel) => document.querySelector(sel);
  const el = (tag, attrs = {}, text) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
    }
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  };

  // each one answers (tests/test_page.py clicks them all); asOf sets the "As of" date it needs
  const STARTERS = [
    { q: "Who is implementing the PAMECA V project in Albania?" },
    { q: "Who drives action 3.2 in the Western Balkan plan?" },
    { q: "What is still seeking funding?" },
    { q: "Which deadlines fall in the next 60 days?", asOf: "2018-05-01" },
    { q: "What does the ECO plan say about cybercrime?" },
  ];
  const ROUTES = {
    driver: "who drives it", funding: "funding", deadline: "deadlines", budget: "budgets",
    content: "passages", cross_plan: "across plans", follow_up: "follow-up", refusal: "not covered",
    capabilities: "about me", overview: "plan overview", aggregate: "counts",
  };
  const FUNDING_LABELS = {
    available: "Available", seeking: "Seeking", negotiating: "Negotiating", unknown: "Not stated",
  };

  const state = { conversationId: null, plansById: new Map(), busy: false, opener: null, actionsShown: false,
    actionsRequest: 0 };

  // ---- markdown (escape first, then a small subset) -------------------------------------------
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => (
      { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  function inline(escaped, citations) {
    let html = escaped.replace(/`([^`]+)`/g, "<code>$1</code>"); // a command, shown as one
    html = html.replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>");
    html = html.replace(/\[(\d{1,3})\]/g, (whole, n) => {
      const c = citations.get(Number(n));
      if (!c) return whole;
      const label = escapeHtml(`Source ${n}: ${c.plan} › ${c.section}`);
      return `<button type="button" class="cite" data-n="${n}" aria-label="${label}" title="${label}">${n}</button>`;
    });
    return html;
  }

  function renderMarkdown(text, citations) {
    const lines = escapeHtml(text).split("\n");
    let html = "";
    let para = [];
    let list = null;
    const flushPara = () => {
      if (para.length) html += `<p>${para.map((l) => inline(l, citations)).join("<br>")}</p>`;
      para = [];
    };
    const flushList = () => {
      if (list) html += `<ul>${list.map((l) => `<li>${inline(l, citations)}</li>`).join("")}</ul>`;
      list = null;
    };
    for (const line of lines) {
      const item = /^\s*[-*•]\s+(.*)$/.exec(line);
      const heading = /^\s*#{1,4}\s+(.*)$/.exec(line);
      if (item) {
        flushPara();
        (list ||= []).push(item[1]);
      } else if (heading) {
        flushPara(); flushList();
        html += `<p class="md-heading"><strong>${inline(heading[1], citations)}</strong></p>`;
      } else if (!line.trim()) {
        flushPara(); flushList();
      } else {
        flushList();
        para.push(line);
      }
    }
    flushPara(); flushList();
    return html;
  }

  // ---- status (aria-live) -----------------------------------------------------------------------
  let statusTimer = null;
  function setStatus(message, kind = "info") {
    const box = $("#status");
    clearTimeout(statusTimer);
    box.textContent = message || "";
    box.className = `status ${message ? "shown" : ""} ${kind}`;
    if (message && kind !== "busy") statusTimer = setTimeout(() => setStatus(""), kind === "error" ? 8000 : 2500);
  }

  async function apiError(res) {
    let message = `The server answered ${res.status} ${res.statusText}.`;
    try {
      const body = await res.json();
      if (body && body.error) message = body.error;
    } catch (_) { /* not JSON */ }
    return new Error(message);
  }

  // fetch, with a failure to reach the server said in words (fetch itself only says "Failed to fetch")
  const UNREACHABLE = "Could not reach the server: check your connection (or whether the server is running).";
  async function reach(url, options) {
    try {
      return await fetch(url, options);
    } catch (_) {
      throw new Error(UNREACHABLE);
    }
  }

  async function getJSON(url) {
    const res = await reach(url, { headers: { Accept: "application/json" } });
    if (!res.ok) throw await apiError(res);
    return res.json();
  }

  // ---- plans ---------------------------------------------------------------------------------------
  async function loadPlans() {
    try {
      const data = await getJSON("/api/plans");
      for (const p of data.plans) {
        state.plansById.set(p.id, p);
        for (const select of [$("#plan"), $("#d-plan")]) {
          select.append(el("option", { value: p.id, title: p.title }, `${p.short_name} — ${p.actions} actions`));
        }
      }
    } catch (err) {
      setStatus(`Could not load the list of plans: ${err.message}`, "error");
    }
  }
  const lines = (a, b) => (a === b ? `line ${a}` : `lines ${a}–${b}`);
  // a passage of a PDF says its page(s) too
  const pages = (x) => (x.page_start ? (x.page_start === (x.page_end || x.page_start)
    ? `p. ${x.page_start}, ` : `pp. ${x.page_start}–${x.page_end}, `) : "");
  const planName = (id) => (state.plansById.get(id) || {}).short_name || id;
  const planByTitle = (title) => [...state.plansById.values()].find((p) => p.title === title);
  // "WBCSCi 2018-2020 › … › Need 1 … › 1.2 Law enforcement": the full path is in the panel
  function shortPath(c) {
    const parts = c.section ? c.section.split(" › ") : [];
    const tail = parts.length > 2 ? ["…", ...parts.slice(-2)] : parts;
    return [(planByTitle(c.plan) || {}).short_name || c.plan, ...tail].join(" › ");
  }

  // ---- asking ----------------------------------------------------------------------------------------
  async function readEvents(res, onEvent) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (value) buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
        }
        if (data.length) onEvent(event, JSON.parse(data.join("\n")));
      }
      if (done) return;
    }
  }

  function addTurn(question) {
    const turn = el("article", { class: "turn" });
    const q = el("div", { class: "q" });
    q.append(el("p", {}, question));
    const a = el("div", { class: "a loading", "aria-busy": "true" });
    const md = el("div", { class: "md" });
    md.append(el("span", { class: "dots" }, "Searching the plans"));
    a.append(md);
    turn.append(q, a);
    $("#conversation").append(turn);
    turn.scrollIntoView({ block: "end" });
    return a;
  }

  function renderAnswer(box, answer) {
    const citations = new Map(answer.citations.map((c) => [c.n, c]));
    box.classList.remove("loading");
    box.removeAttribute("aria-busy");
    box.classList.toggle("refused", !!answer.refused);
    box.replaceChildren();
    box.citations = citations;
    const md = el("div", { class: "md" });
    md.innerHTML = renderMarkdown(answer.answer, citations); // escaped first: see renderMarkdown
    box.append(md);
    if (answer.citations.length) {
      const sources = el("div", { class: "sources" });
      sources.append(el("h3", {}, "Sources"));
      const list = el("ol");
      for (const c of answer.citations) {
        const li = el("li");
        const btn = el("button", { type: "button", class: "source", "data-n": c.n, title: `${c.plan} › ${c.section}` });
        btn.append(el("span", { class: "n" }, String(c.n)), el("span", { class: "where" }, shortPath(c)),
          el("span", { class: "lines" }, `${c.file}, ${pages(c)}${lines(c.line_start, c.line_end)}`));
        li.append(btn);
        list.append(li);
      }
      sources.append(list);
      box.append(sources);
    }
    const meta = answer.meta || {};
    if (meta.browse && meta.more) { // a long list: the whole of it is the Browse view with the same filters
      const all = el("button", { type: "button", class: "see-all link" },
        `Show all ${meta.count} in Browse actions`);
      all.addEventListener("click", () => openBrowse({ as_of: answer.as_of, ...meta.browse }));
      const line = el("p", { class: "see-all-line" });
      line.append(all);
      box.append(line);
    }
    const route = ROUTES[answer.route] || answer.route;
    box.append(el("p", { class: "meta" }, `As of ${answer.as_of} · ${route}`));
  }

  const CUT = "The answer stopped half-way: the connection was cut.";

  async function ask(question) {
    question = question.trim();
    if (!question || state.busy) return;
    state.busy = true;
    $("#send").disabled = true;
    $("#welcome").hidden = true;
    const box = addTurn(question);
    setStatus("Searching the plans…", "busy");
    const body = { question, conversation_id: state.conversationId || undefined,
      as_of: $("#as-of").value || undefined, plan: $("#plan").value || undefined };
    try {
      const res = await reach("/api/ask/stream", {
        method: "POST", headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw await apiError(res);
      let text = "";
      let final = null;
      await readEvents(res, (event, data) => {
        if (event === "token") {
          text += data.text;
          box.classList.remove("loading");
          box.querySelector(".md").innerHTML = renderMarkdown(text, new Map()); // escaped first
        } else if (event === "done") {
          final = data;
        }
      });
      if (!final) throw new Error(CUT);
      state.conversationId = final.conversation_id;
      if ($("#question").value.trim() === question) $("#question").value = ""; // answered: the box is free
      renderAnswer(box, final);
      box.closest(".turn").scrollIntoView({ block: "start" });
      setStatus(final.refused ? "The plans do not say." : `Answered with ${final.citations.length} source(s).`);
    } catch (err) {
      const message = err instanceof TypeError ? CUT : err.message; // a TypeError here: the stream broke off
      box.classList.remove("loading");
      box.removeAttribute("aria-busy");
      box.classList.add("error");
      const retry = el("button", { type: "button", class: "retry primary" }, "Try again");
      retry.addEventListener("click", () => {
        if (state.busy) return;
        box.closest(".turn").remove();
        ask(question);
      });
      box.replaceChildren(el("p", { role: "alert" }, `Sorry — ${message} Your question is still in the box.`), retry);
      const q = $("#question");
      if (!q.value.trim()) q.value = question; // typed or a starter: kept, to send again or change
      setStatus(message, "error");
    } finally {
      state.busy = false;
      $("#send").disabled = false;
    }
  }

  // ---- the source panel ---------------------------------------------------------------------------
  function neighbour(label, s) {
    const box = el("div", { class: "neighbour" });
    box.append(el("h4", {}, label));
    if (!s) {
      box.append(el("p", { class: "muted" }, label === "Before" ? "Start of the plan." : "End of the plan."));
      return box;
    }
    const btn = el("button", { type: "button", class: "link", "data-section": s.id }, s.section || "(title block)");
    const text = s.text.length > 280 ? `${s.text.slice(0, 280).replace(/\s+\S*$/, "")} …` : s.text;
    box.append(btn, el("p", { class: "neighbour-text" }, text));
    return box;
  }

  // at phone width the panel is a sheet from the bottom: over Browse it stops below the filters
  const phone = window.matchMedia("(max-width: 720px)");
  function fitPanel() {
    const panel = $("#panel");
    panel.style.maxHeight = "";
    if (!phone.matches || $("#view-browse").hidden) return;
    const above = Math.max($("#filters").getBoundingClientRect().bottom, $(".settings").getBoundingClientRect().bottom);
    panel.style.maxHeight = `${Math.max(window.innerHeight - above - 8, 200)}px`;
  }

  // a passage as the plan writes it; a table row as the small table it is (its cells under their
  // column names, several items as a list), with the row's run-together text kept below it
  function passage(s) {
    if (!s.tables || !s.tables.length) return el("blockquote", { class: "passage" }, s.text);
    const box = el("div", { class: "passage as-table" });
    for (const t of s.tables) {
      const table = el("table", { class: "row-table" });
      t.columns.forEach((name, i) => {
        const tr = el("tr");
        const td = el("td");
        const cell = t.cells[i];
        if (cell.length > 1) {
          const ul = el("ul");
          for (const item of cell) ul.append(el("li", {}, item));
          td.append(ul);
        } else {
          td.textContent = cell[0];
        }
        tr.append(el("th", { scope: "row" }, name), td);
        table.append(tr);
      });
      box.append(table);
      if (t.notes.length) box.append(el("p", { class: "row-notes" }, `How the row was read: ${t.notes.join("; ")}.`));
    }
    const raw = el("details", { class: "as-written" });
    raw.append(el("summary", {}, "The row as written in the plan"), el("blockquote", {}, s.text));
    box.append(raw);
    return box;
  }

  async function openSection(sectionId, opener, citation) {
    const panel = $("#panel");
    const body = $("#panel-body");
    state.opener = opener || state.opener;
    panel.hidden = false;
    $("#layout").classList.add("with-panel");
    fitPanel();
    $("#panel-title").textContent = citation ? `Source ${citation.n}` : "Passage";
    body.replaceChildren(el("p", { class: "muted dots" }, "Opening the passage"));
    body.setAttribute("aria-busy", "true");
    $("#panel-title").focus();
    try {
      const s = await getJSON(`/api/sections/${encodeURIComponent(sectionId)}`);
      const crumbs = el("ol", { class: "crumbs", "aria-label": "Heading path" });
      for (const h of s.heading_path) crumbs.append(el("li", {}, h));
      const where = el("p", { class: "file" });
      where.append(el("span", {}, s.file), document.createTextNode(` · ${pages(s)}${lines(s.line_start, s.line_end)}`));
      body.replaceChildren(
        el("p", { class: "plan-title" }, s.plan.title),
        crumbs,
        passage(s),
        where,
        el("h3", { class: "context" }, "In context"),
        neighbour("Before", s.previous),
        neighbour("After", s.next),
      );
    } catch (err) {
      body.replaceChildren(el("p", { role: "alert", class: "error-text" }, `Could not open the passage: ${err.message}`));
    } finally {
      body.removeAttribute("aria-busy");
    }
  }

  function closePanel() {
    const panel = $("#panel");
    if (panel.hidden) return;
    panel.hidden = true;
    $("#layout").classList.remove("with-panel");
    if (state.opener && document.contains(state.opener)) state.opener.focus();
    state.opener = null;
  }

  // ---- browse actions -------------------------------------------------------------------------------
  const shortText = (text, n) => (text.length > n ? `${text.slice(0, n).replace(/\s+\S*$/, "")} …` : text);

  // open Browse with these filters (an answer's "Show all", or a link: <page>/#browse?funding=seeking)
  function openBrowse(filters) {
    const f = filters || {};
    if (f.as_of) $("#as-of").value = f.as_of;
    $("#plan").value = state.plansById.has(f.plan) ? f.plan : "";
    $("#f-driver").value = f.driver || "";
    $("#f-funding").value = f.funding || "";
    const due = $("#f-due");
    if (f.due_within && ![...due.options].some((o) => o.value === String(f.due_within))) {
      due.append(el("option", { value: String(f.due_within) }, `${f.due_within} days`));
    }
    due.value = f.due_within ? String(f.due_within) : "";
    $("#f-overdue").checked = f.overdue === true || f.overdue === "true";
    showTab("browse");
    loadActions();
  }
  function cell(label, content, cls) {
    const td = el("td", { "data-label": label, class: cls });
    if (content instanceof Node) td.append(content); else td.textContent = content || "—";
    return td;
  }

  async function loadActions() {
    const params = new URLSearchParams();
    const add = (k, v) => { if (v) params.set(k, v); };
    add("plan", $("#plan").value); // the header's Plan selector filters Browse too
    add("driver", $("#f-driver").value.trim());
    add("funding", $("#f-funding").value);
    add("due_within", $("#f-due").value);
    add("as_of", $("#as-of").value);
    if ($("#f-overdue").checked) params.set("overdue", "true");
    const summary = $("#actions-summary");
    const table = $("#actions-table");
    summary.textContent = "Loading actions…";
    table.setAttribute("aria-busy", "true");
    const request = ++state.actionsRequest; // filters changed while a list was loading: the last one wins
    try {
      const data = await getJSON(`/api/actions?${params}`);
      if (request !== state.actionsRequest) return;
      const tbody = table.querySelector("tbody");
      tbody.replaceChildren();
      // rows of a table often share a number and title: their own activity text tells them apart
      const seen = new Map();
      for (const a of data.actions) seen.set(`${a.plan} ${a.number}`, (seen.get(`${a.plan} ${a.number}`) || 0) + 1);
      for (const a of data.actions) {
        const tr = el("tr");
        const what = el("div");
        what.append(el("span", { class: "title" }, a.title || a.text));
        if (a.number && seen.get(`${a.plan} ${a.number}`) > 1 && a.text && a.text !== a.title) {
          what.append(el("span", { class: "activity" }, shortText(a.text.replace(/^[\s•-]+/, ""), 160)));
        }
        if (a.need) what.append(el("span", { class: "need" }, a.need));
        const funding = el("div");
        funding.append(el("span", { class: `badge f-${a.funding_status}` }, FUNDING_LABELS[a.funding_status] || a.funding_status));
        if (a.funding) funding.append(el("span", { class: "funding-text" }, a.funding));
        const timeline = el("div");
        if (a.status && a.status !== "unknown") timeline.append(el("span", { class: "badge status" }, a.status));
        timeline.append(el("span", {}, a.timeline || "—"));
        const read = el("button", { type: "button", class: "link", "data-section": a.section_id,
          "aria-label": `Read the passage of ${a.number || a.title || "this action"}` }, "Read");
        tr.append(cell("Plan", planName(a.plan), "plan"), cell("No.", a.number), cell("Action", what, "wide"),
          cell("Drivers", a.drivers.join(", ")), cell("Timeline", timeline), cell("Due", a.due),
          cell("Funding", funding), cell("Source", read));
        tbody.append(tr);
      }
      table.hidden = data.count === 0;
      summary.textContent = data.count
        ? `${data.count} action${data.count === 1 ? "" : "s"} (as of ${data.as_of}).`
        : `No action matches these filters (as of ${data.as_of}).`;
      state.actionsShown = true;
    } catch (err) {
      if (request !== state.actionsRequest) return;
      summary.textContent = "";
      setStatus(`Could not load the actions: ${err.message}`, "error");
    } finally {
      if (request === state.actionsRequest) table.removeAttribute("aria-busy");
    }
  }

  // ---- tabs -------------------------------------------------------------------------------------------
  function showTab(name, focus = false) {
    const current = document.querySelector("[role=tab][aria-selected=true]");
    if (current && current.id !== `tab-${name}`) closePanel(); // the passage belongs to the view it came from
    for (const tab of document.querySelectorAll("[role=tab]")) {
      const on = tab.id === `tab-${name}`;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      if (on && focus) tab.focus();
      $(`#${tab.getAttribute("aria-controls")}`).hidden = !on;
    }
    if (name === "browse" && !state.actionsShown) loadActions();
    if (name === "deadlines") document.dispatchEvent(new CustomEvent("plans:deadlines-shown"));
    if (name === "ask") $("#question").focus();
  }

  // ---- wiring -------------------------------------------------------------------------------------
  function init() {
    const starters = $("#starters");
    for (const s of STARTERS) {
      const btn = el("button", { type: "button", class: "starter" }, s.q);
      btn.addEventListener("click", () => {
        if (s.asOf) $("#as-of").value = s.asOf;
        $("#question").value = "";
        ask(s.q);
      });
      const li = el("li");
      li.append(btn);
      starters.append(li);
    }

    $("#ask-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const q = $("#question");
      if (!q.value.trim()) { setStatus("Type a question first.", "error"); q.focus(); return; }
      const text = q.value;
      q.value = "";
      ask(text);
    });
    $("#question").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        $("#ask-form").requestSubmit();
      }
    });
    $("#new-chat").addEventListener("click", () => {
      state.conversationId = null;
      $("#conversation").replaceChildren();
      $("#welcome").hidden = false;
      closePanel();
      setStatus("Started a new conversation.");
      $("#question").focus();
    });

    $("#conversation").addEventListener("click", (e) => {
      const btn = e.target.closest("button.cite, button.source");
      if (!btn) return;
      const box = btn.closest(".a");
      const c = box && box.citations && box.citations.get(Number(btn.dataset.n));
      if (c) openSection(c.section_id, btn, c);
    });
    for (const root of [$("#panel-body"), $("#actions-table"), $("#view-deadlines")]) {
      root.addEventListener("click", (e) => {
        const btn = e.target.closest("button[data-section]");
        if (btn) openSection(btn.dataset.section, root.id === "panel-body" ? state.opener : btn);
      });
    }
    $("#panel-close").addEventListener("click", closePanel);
    document.addEventListener("keydown", (e) => { if (e.key === "Escape") closePanel(); });

    const tabs = [...document.querySelectorAll("[role=tab]")];
    tabs.forEach((tab, i) => {
      tab.addEventListener("click", () => showTab(tab.id.slice(4)));
      tab.addEventListener("keydown", (e) => {
        const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
        if (step) showTab(tabs[(i + step + tabs.length) % tabs.length].id.slice(4), true);
      });
    });

    $("#filters").addEventListener("submit", (e) => { e.preventDefault(); loadActions(); });
    for (const id of ["#f-funding", "#f-due", "#f-overdue"]) $(id).addEventListener("change", loadActions);
    for (const id of ["#as-of", "#plan"]) $(id).addEventListener("change", () => { if (state.actionsShown) loadActions(); });
    $("#as-of").addEventListener("change", () => document.dispatchEvent(new CustomEvent("plans:as-of-changed")));

    const plansLoaded = loadPlans();
    // a link to a passage (from Slack: <page>/#section=<id>) opens it in the panel; one to a list
    // (<page>/#browse?funding=seeking&due_within=60) opens Browse with those filters
    const openFromHash = async () => {
      const m = /^#section=(.+)$/.exec(window.location.hash);
      if (m) openSection(decodeURIComponent(m[1]), null, null);
      const b = /^#browse(?:\?(.*))?$/.exec(window.location.hash);
      if (b) {
        await plansLoaded; // the plan filter needs the list of plans
        openBrowse(Object.fromEntries(new URLSearchParams(b[1] || "")));
      }
    };
    window.addEventListener("hashchange", openFromHash);
    openFromHash();
  }

  // what deadlines.js uses of this file
  window.plansPage = { el, getJSON, planName, setStatus, cell, FUNDING_LABELS };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
