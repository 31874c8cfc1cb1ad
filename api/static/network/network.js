// Dolbom's /network page: draws the `network` query's graph with Cytoscape.js,
// highlights blind spots (`coverage`) and duplicated services (`overlaps`),
// shows a region × domain heatmap of both kinds of blind spot (nothing exists; not enough
// places), and a node's details.
// Plain browser JavaScript, no build step of its own; Cytoscape.js is vendored
// under vendor/ by tools/network-ui (npm run build).
(() => {
  "use strict";

  const ENDPOINT = document.body.dataset.endpoint || "/graphql";
  const TOKEN_KEY = "dolbom.token";
  const KINDS = ["REGION", "ORGANIZATION", "SERVICE", "AGREEMENT", "VOLUNTEER", "HOUSEHOLD", "NEED"];
  const SHOWN_BY_DEFAULT = new Set(["REGION", "ORGANIZATION", "SERVICE", "AGREEMENT", "VOLUNTEER"]);
  const DOMAINS = ["HEALTH", "HOUSING", "EMPLOYMENT", "LEGAL", "INCOME", "EDUCATION", "CARE", "MENTAL_HEALTH", "FOOD"];
  const LABELS = { REGION: "Region", ORGANIZATION: "Organization", SERVICE: "Service", AGREEMENT: "Agreement",
    VOLUNTEER: "Volunteer", HOUSEHOLD: "Household", NEED: "Need" };
  const KIND_COLOURS = { REGION: "#8d99a6", ORGANIZATION: "#0b5cad", SERVICE: "#2e8540", AGREEMENT: "#7b3fa0",
    VOLUNTEER: "#d4860b", HOUSEHOLD: "#b3261e", NEED: "#e07a5f" };
  const PALETTE = ["#0b5cad", "#2e8540", "#d4860b", "#7b3fa0", "#b3261e", "#00838f", "#6d4c41",
    "#c2185b", "#5c6bc0", "#827717", "#37474f", "#f4511e"];

  const $ = (sel) => document.querySelector(sel);
  const state = { cy: null, nodes: [], edges: [], byId: new Map(), coverage: [], overlaps: [], regions: [] };

  class ApiError extends Error {
    constructor(code, message) { super(message); this.code = code; }
  }

  // -- the API ---------------------------------------------------------------

  async function gql(query, variables = {}) {
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = `Bearer ${token}`;
    let res;
    try {
      res = await fetch(ENDPOINT, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    } catch (e) {
      throw new ApiError("NETWORK", `The server did not answer (${e.message}).`);
    }
    let body = null;
    try { body = await res.json(); } catch (_) { /* not JSON */ }
    if (body && body.errors && body.errors.length) {
      const err = body.errors[0];
      throw new ApiError((err.extensions && err.extensions.code) || "INTERNAL", err.message);
    }
    if (!res.ok || !body) throw new ApiError("INTERNAL", `The server answered HTTP ${res.status}.`);
    return body.data;
  }

  const Q_NETWORK = `query Network($regionId: ID, $kinds: [NodeKind!]) {
    network(regionId: $regionId, kinds: $kinds) {
      nodes { id kind label group weight }
      edges { source target kind weight }
    }
  }`;
  const Q_COVERAGE = `query Coverage($regionId: ID) {
    coverage(regionId: $regionId) { region { id name level } domain openNeeds uncoveredNeeds missingNeeds unmetNeeds
      shortOfPlaces services freeCapacity }
  }`;
  const Q_OVERLAPS = `query Overlaps($regionId: ID) {
    overlaps(regionId: $regionId) { region { id name } domain form tag redundancy message
      services { id name provider { id name } } }
  }`;
  const DETAILS = {
    REGION: `query($id: ID!) { region(id: $id) { id name level parent { id name } } }`,
    ORGANIZATION: `query($id: ID!) { organization(id: $id) { id name sector regions { id name }
      services { id name active } agreements { id domains expiresOn annualQuota used } } }`,
    SERVICE: `query($id: ID!) { service(id: $id) { id name domains active capacity available leadTimeDays cost
      provider { id name sector } regions { id name } eligibility { maxIncomePercent requiredTraits }
      excludes { id name } agreement { id partner { id name } } } }`,
    HOUSEHOLD: `query($id: ID!) { household(id: $id) { id size urgency incomePercent traits region { id name }
      needs { id domain severity status } } }`,
  };

  function explain(err) {
    switch (err.code) {
      case "UNAUTHENTICATED":
        return "Your token was not accepted: it is missing, mistyped, revoked or expired. Paste a valid token and sign in again.";
      case "FORBIDDEN":
        return "Your token may not see this: the network page needs a coordinator token, or a case worker's for their own region.";
      case "NETWORK":
        return err.message;
      default:
        return `The server refused the request (${err.code}): ${err.message}`;
    }
  }

  function say(text, isError = false) {
    const el = $("#status");
    el.textContent = text;
    el.classList.toggle("error", isError);
  }

  // -- ids ---------------------------------------------------------------------

  /** The caller's id of a network node: node ids may be "Label:id" keys. */
  function plainId(node) {
    const i = node.id.indexOf(":");
    if (i > 0 && LABELS[node.id.slice(0, i).toUpperCase()]) return node.id.slice(i + 1);
    return node.id;
  }

  // -- drawing -------------------------------------------------------------------

  function hashColour(key) {
    let h = 0;
    for (const ch of String(key)) h = (h * 31 + ch.codePointAt(0)) >>> 0;
    return PALETTE[h % PALETTE.length];
  }

  function colourOf(node, by) {
    if (by === "kind") return KIND_COLOURS[node.kind] || "#888";
    if (by === "domain") {
      const d = DOMAINS.find((x) => node.group === x);
      return d ? PALETTE[DOMAINS.indexOf(d) % PALETTE.length] : "#c9d1d9";
    }
    return node.group ? hashColour(node.group) : "#c9d1d9";
  }

  /** Preset positions in O(n): one cluster per group (or kind), clusters on a
   *  grid, nodes of a cluster on a sunflower spiral. Force layouts take tens of
   *  seconds at 5,000 nodes; this takes milliseconds and keeps groups together. */
  function positions(nodes) {
    const clusters = new Map();
    for (const n of nodes) {
      const key = n.kind === "REGION" ? "~regions" : (n.group || n.kind);
      if (!clusters.has(key)) clusters.set(key, []);
      clusters.get(key).push(n);
    }
    const keys = [...clusters.keys()].sort();
    const cols = Math.max(1, Math.ceil(Math.sqrt(keys.length)));
    const biggest = Math.max(1, ...[...clusters.values()].map((c) => c.length));
    const cell = 55 * Math.sqrt(biggest) + 80;
    const pos = new Map();
    const golden = Math.PI * (3 - Math.sqrt(5));
    keys.forEach((key, k) => {
      const cx = (k % cols) * cell, cy = Math.floor(k / cols) * cell;
      clusters.get(key).forEach((n, i) => {
        const r = 26 * Math.sqrt(i), a = i * golden;
        pos.set(n.id, { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) });
      });
    });
    return pos;
  }

  function sizeOf(node, by, maxWeight, degree) {
    if (by === "none") return 14;
    if (by === "degree") return 10 + 6 * Math.sqrt(degree.get(node.id) || 0);
    return 10 + 30 * Math.sqrt(Math.max(0, node.weight) / maxWeight);
  }

  function draw() {
    const t0 = performance.now();
    const by = $("#colour").value, sizeBy = $("#size").value;
    const maxWeight = Math.max(1e-9, ...state.nodes.map((n) => n.weight));
    const degree = new Map();
    for (const e of state.edges) {
      degree.set(e.source, (degree.get(e.source) || 0) + 1);
      degree.set(e.target, (degree.get(e.target) || 0) + 1);
    }
    const pos = positions(state.nodes);
    const elements = [];
    for (const n of state.nodes) {
      elements.push({
        group: "nodes",
        data: { id: n.id, label: n.label, kind: n.kind, colour: colourOf(n, by), size: sizeOf(n, sizeBy, maxWeight, degree) },
        position: pos.get(n.id),
      });
    }
    state.edges.forEach((e, i) => {
      if (state.byId.has(e.source) && state.byId.has(e.target)) {
        elements.push({ group: "edges", data: { id: `e${i}`, source: e.source, target: e.target, kind: e.kind,
          width: 0.5 + Math.min(4, Math.sqrt(e.weight || 0)) } });
      }
    });
    if (state.cy) state.cy.destroy();
    state.cy = cytoscape({
      container: $("#graph"),
      elements,
      layout: { name: "preset", fit: true, padding: 20 },
      textureOnViewport: true,
      hideEdgesOnViewport: state.nodes.length > 1500,
      motionBlur: false,
      pixelRatio: 1,
      minZoom: 0.02,
      maxZoom: 4,
      style: [
        { selector: "node", style: { "background-color": "data(colour)", width: "data(size)", height: "data(size)",
          label: "data(label)", "font-size": 10, "min-zoomed-font-size": 9, color: "#1d232a",
          "text-valign": "bottom", "text-margin-y": 2 } },
        { selector: "node[kind = 'REGION']", style: { shape: "round-rectangle" } },
        { selector: "node[kind = 'ORGANIZATION']", style: { shape: "hexagon" } },
        { selector: "node[kind = 'AGREEMENT']", style: { shape: "diamond" } },
        { selector: "edge", style: { width: "data(width)", "line-color": "#c9d1d9", "curve-style": "haystack", opacity: 0.7 } },
        { selector: "node.blind", style: { "border-width": 4, "border-color": "#b3261e" } },
        { selector: "node.overlap", style: { "border-width": 4, "border-color": "#f4511e", "border-style": "double" } },
        { selector: "node:selected", style: { "border-width": 5, "border-color": "#111", "font-size": 14, "min-zoomed-font-size": 0, "z-index": 10 } },
        { selector: "edge.near", style: { "line-color": "#0b5cad", opacity: 1 } },
      ],
    });
    state.cy.on("tap", "node", (evt) => select(evt.target.id()));
    highlight();
    const ms = Math.round(performance.now() - t0);
    $("#node-count").textContent = String(state.cy.nodes().length);
    $("#edge-count").textContent = String(state.cy.edges().length);
    $("#draw-time").textContent = `in ${ms} ms`;
    drawLegend(by);
    fillFind();
    return ms;
  }

  function drawLegend(by) {
    const legend = $("#legend");
    legend.textContent = "";
    if (by !== "kind") return;
    for (const kind of new Set(state.nodes.map((n) => n.kind))) {
      const span = document.createElement("span");
      const dot = document.createElement("i");
      dot.style.background = KIND_COLOURS[kind];
      span.append(dot, LABELS[kind] || kind);
      legend.append(span);
    }
  }

  function fillFind() {
    const list = $("#node-names");
    list.textContent = "";
    for (const n of state.nodes.slice(0, 5000)) {
      const opt = document.createElement("option");
      opt.value = `${n.label} (${n.id})`;
      list.append(opt);
    }
  }

  // -- highlights: blind spots and overlaps -------------------------------------

  function regionNodeIds(regionId) {
    return [`Region:${regionId}`, regionId].filter((id) => state.byId.has(id));
  }

  function serviceNodeIds(serviceId) {
    return [`Service:${serviceId}`, serviceId].filter((id) => state.byId.has(id) && state.byId.get(id).kind === "SERVICE");
  }

  // a blind spot of either kind: nothing exists, or not enough places (full, or more needs than places)
  const isBlind = (c) => c.uncoveredNeeds > 0 || c.unmetNeeds > 0;

  function describeCell(c) {
    const parts = [];
    if (c.missingNeeds > 0) parts.push(`nothing exists for ${c.missingNeeds}`);
    if (c.shortOfPlaces > 0) {
      const full = c.shortOfPlaces - c.unmetNeeds;
      const why = [full > 0 ? `${full} on full resources` : "", c.unmetNeeds > 0 ? `${c.unmetNeeds} beyond the places left` : ""]
        .filter(Boolean).join(", ");
      parts.push(`not enough places for ${c.shortOfPlaces} (${why})`);
    }
    return `${c.domain}: ${parts.join("; ") || "covered"} of ${c.openNeeds} open needs`;
  }

  function highlight() {
    const cy = state.cy;
    if (!cy) return;
    cy.nodes().removeClass("blind overlap");
    if (!$("#highlight").checked) return;
    cy.batch(() => {
      for (const cell of state.coverage) {
        if (isBlind(cell)) regionNodeIds(cell.region.id).forEach((id) => cy.getElementById(id).addClass("blind"));
      }
      for (const group of state.overlaps) {
        for (const s of group.services) serviceNodeIds(s.id).forEach((id) => cy.getElementById(id).addClass("overlap"));
      }
    });
  }

  // -- details -----------------------------------------------------------------------

  function dl(pairs) {
    const list = document.createElement("dl");
    for (const [k, v] of pairs) {
      if (v === undefined) continue;
      const dt = document.createElement("dt"); dt.textContent = k;
      const dd = document.createElement("dd"); dd.textContent = v === null ? "—" : String(v);
      list.append(dt, dd);
    }
    return list;
  }

  function linkButton(nodeId, text) {
    const b = document.createElement("button");
    b.type = "button"; b.className = "link"; b.textContent = text;
    b.addEventListener("click", () => select(nodeId, true));
    return b;
  }

  function describe(kind, data) {
    const names = (xs) => xs.map((x) => x.name || x.id).join(", ") || "—";
    switch (kind) {
      case "REGION": return [["Level", data.level], ["Part of", data.parent ? data.parent.name : null]];
      case "ORGANIZATION": return [["Sector", data.sector], ["Regions", names(data.regions)],
        ["Services", names(data.services)], ["Agreements", data.agreements.map((a) => a.id).join(", ") || "—"]];
      case "SERVICE": return [["Provider", `${data.provider.name} (${data.provider.sector})`],
        ["Domains", data.domains.join(", ")], ["Regions", names(data.regions)], ["Active", data.active ? "yes" : "no"],
        ["Capacity", data.capacity === null ? "unlimited" : data.capacity],
        ["Places left", data.available === null ? "unlimited" : data.available],
        ["Lead time", `${data.leadTimeDays} days`], ["Cost", `${data.cost.toLocaleString()} won`],
        ["Income ceiling", data.eligibility.maxIncomePercent === null ? "none" : `${data.eligibility.maxIncomePercent}%`],
        ["Required traits", data.eligibility.requiredTraits.join(", ") || "none"],
        ["Excludes", names(data.excludes)], ["Under MOU", data.agreement ? `${data.agreement.id} with ${data.agreement.partner.name}` : "no"]];
      case "HOUSEHOLD": return [["Region", data.region.name], ["Size", data.size], ["Urgency", data.urgency],
        ["Income", `${data.incomePercent}% of median`], ["Traits", data.traits.join(", ") || "none"],
        ["Needs", data.needs.map((n) => `${n.domain} ${n.severity}/5 ${n.status}`).join("; ") || "none"]];
      default: return [];
    }
  }

  async function select(nodeId, centre = false) {
    const node = state.byId.get(nodeId);
    if (!node || !state.cy) return;
    const el = state.cy.getElementById(nodeId);
    state.cy.elements().unselect();
    state.cy.edges().removeClass("near");
    el.select();
    el.connectedEdges().addClass("near");
    if (centre) state.cy.animate({ center: { eles: el }, zoom: Math.max(state.cy.zoom(), 1) }, { duration: 200 });

    const panel = $("#details");
    panel.textContent = "";
    const h = document.createElement("h2");
    h.textContent = node.label;
    panel.append(h, dl([["Kind", LABELS[node.kind] || node.kind], ["Id", plainId(node)], ["Group", node.group],
      ["Weight", Math.round(node.weight * 100) / 100]]));
    const flags = [];
    if (el.hasClass("blind")) {
      const cells = state.coverage.filter((c) => regionNodeIds(c.region.id).includes(nodeId) && isBlind(c));
      flags.push(`Blind spot: ${cells.map(describeCell).join("; ")}`);
    }
    if (el.hasClass("overlap")) {
      for (const g of state.overlaps.filter((g) => g.services.some((s) => serviceNodeIds(s.id).includes(nodeId)))) flags.push(`Overlap: ${g.message}`);
    }
    for (const f of flags) {
      const p = document.createElement("p"); p.className = "flag"; p.textContent = f; panel.append(p);
    }
    const more = document.createElement("div");
    more.id = "detail-fields";
    panel.append(more);

    const links = el.connectedEdges();
    const h3 = document.createElement("h2");
    h3.textContent = `Links (${links.length})`;
    const ul = document.createElement("ul");
    links.slice(0, 50).forEach((edge) => {
      const other = edge.source().id() === nodeId ? edge.target() : edge.source();
      const li = document.createElement("li");
      li.append(`${edge.data("kind")} `, linkButton(other.id(), other.data("label")));
      ul.append(li);
    });
    if (links.length > 50) { const li = document.createElement("li"); li.textContent = `and ${links.length - 50} more`; ul.append(li); }
    panel.append(h3, ul);
    panel.dataset.selected = nodeId;

    const query = DETAILS[node.kind];
    if (!query) return;
    try {
      const data = await gql(query, { id: plainId(node) });
      const record = Object.values(data)[0];
      if (panel.dataset.selected === nodeId && record) more.append(dl(describe(node.kind, record)));
    } catch (err) {
      if (panel.dataset.selected === nodeId) {
        const p = document.createElement("p"); p.className = "hint"; p.textContent = explain(err); more.append(p);
      }
    }
  }

  // -- heatmap ---------------------------------------------------------------------------

  function drawHeatmap() {
    // each cell shows both kinds of blind spot: "nothing exists" (no eligible resource at all) and
    // "not enough places" (eligible resources full, or more needs than the places left can cover)
    const table = $("#heatmap");
    table.querySelectorAll("thead, tbody").forEach((x) => x.remove());
    const domains = DOMAINS.filter((d) => state.coverage.some((c) => c.domain === d));
    const rows = new Map();
    for (const c of state.coverage) {
      if (!rows.has(c.region.id)) rows.set(c.region.id, { region: c.region, cells: new Map() });
      rows.get(c.region.id).cells.set(c.domain, c);
    }
    const max = Math.max(1, ...state.coverage.map((c) => c.missingNeeds + c.shortOfPlaces));
    const thead = table.createTHead().insertRow();
    const corner = document.createElement("th"); corner.scope = "col"; corner.textContent = "Region";
    thead.append(corner);
    for (const d of domains) { const th = document.createElement("th"); th.scope = "col"; th.textContent = d; thead.append(th); }
    const tbody = table.createTBody();
    const LEVEL = { PROVINCE: 0, CITY: 1, DONG: 2 };
    const byLevelThenName = (a, b) => ((LEVEL[a.region.level] ?? 3) - (LEVEL[b.region.level] ?? 3))
      || a.region.name.localeCompare(b.region.name);
    for (const { region, cells } of [...rows.values()].sort(byLevelThenName)) {
      const tr = tbody.insertRow();
      const th = document.createElement("th"); th.scope = "row"; th.textContent = region.name; tr.append(th);
      for (const d of domains) {
        const td = tr.insertCell();
        const c = cells.get(d);
        if (!c) { td.textContent = ""; continue; }
        if (c.missingNeeds > 0 || c.shortOfPlaces > 0) {
          const missing = document.createElement("span"); missing.className = "missing";
          missing.textContent = c.missingNeeds > 0 ? String(c.missingNeeds) : "·";
          const short = document.createElement("span"); short.className = "short";
          short.textContent = c.shortOfPlaces > 0 ? String(c.shortOfPlaces) : "·";
          td.append(missing, " / ", short);
        }
        const share = (c.missingNeeds + c.shortOfPlaces) / max;
        td.style.background = `rgba(179, 38, 30, ${0.08 + 0.8 * share})`;
        td.style.color = share > 0.5 ? "#fff" : "";
        td.title = `${region.name} · ${describeCell(c)}; ` +
          `${c.services} services, free places ${c.freeCapacity === null ? "unlimited" : c.freeCapacity}`;
        if (isBlind(c)) td.classList.add("blind");
        if (c.missingNeeds > 0) td.classList.add("nothing");
        if (c.shortOfPlaces > 0) td.classList.add("places");
      }
    }
    table.dataset.cells = String(state.coverage.length);
    table.dataset.nothing = String(state.coverage.filter((c) => c.missingNeeds > 0).length);
    table.dataset.places = String(state.coverage.filter((c) => c.shortOfPlaces > 0).length);
  }

  // -- loading -------------------------------------------------------------------------------

  function chosenKinds() {
    return [...document.querySelectorAll("#kinds input:checked")].map((x) => x.value);
  }

  async function loadRegions() {
    const data = await gql(Q_NETWORK, { regionId: null, kinds: ["REGION"] });
    state.regions = data.network.nodes.slice().sort((a, b) => a.label.localeCompare(b.label));
    const select = $("#region");
    select.length = 1;
    for (const r of state.regions) {
      const opt = document.createElement("option");
      opt.value = plainId(r);
      opt.textContent = r.label;
      select.append(opt);
    }
  }

  async function load() {
    document.body.dataset.state = "loading";
    const regionId = $("#region").value || null;
    const kinds = chosenKinds();
    say("Loading the network…");
    try {
      const data = await gql(Q_NETWORK, { regionId, kinds });
      state.nodes = data.network.nodes;
      state.edges = data.network.edges;
      state.byId = new Map(state.nodes.map((n) => [n.id, n]));
      const [coverage, overlaps] = await Promise.allSettled([gql(Q_COVERAGE, { regionId }), gql(Q_OVERLAPS, { regionId })]);
      state.coverage = coverage.status === "fulfilled" ? coverage.value.coverage : [];
      state.overlaps = overlaps.status === "fulfilled" ? overlaps.value.overlaps : [];
      const ms = draw();
      drawHeatmap();
      const nothing = state.coverage.filter((c) => c.missingNeeds > 0).length;
      const places = state.coverage.filter((c) => c.shortOfPlaces > 0).length;
      const notes = [`${state.nodes.length} nodes and ${state.edges.length} links drawn in ${ms} ms`,
        `region × domain blind spots: ${nothing} where nothing exists, ${places} without enough places`,
        `${state.overlaps.length} overlap groups`];
      for (const r of [coverage, overlaps]) if (r.status === "rejected") notes.push(explain(r.reason));
      say(notes.join(" · ") + ".");
      document.body.dataset.state = "ready";
    } catch (err) {
      say(explain(err), true);
      document.body.dataset.state = err.code === "UNAUTHENTICATED" || err.code === "FORBIDDEN" ? "refused" : "error";
      if (err.code === "UNAUTHENTICATED") signOut(false);
    }
  }

  async function signIn(token) {
    document.body.dataset.state = "loading";
    sessionStorage.setItem(TOKEN_KEY, token);
    $("#app").hidden = false;
    $("#signout").hidden = false;
    try {
      await loadRegions();
    } catch (err) {
      say(explain(err), true);
      document.body.dataset.state = "refused";
      if (err.code === "UNAUTHENTICATED") signOut(false);
      return;
    }
    await load();
  }

  function signOut(clearMessage = true) {
    sessionStorage.removeItem(TOKEN_KEY);
    $("#app").hidden = true;
    $("#signout").hidden = true;
    if (state.cy) { state.cy.destroy(); state.cy = null; }
    if (clearMessage) say("Signed out. Sign in with a token to see the network.");
    if (clearMessage) document.body.dataset.state = "signed-out";
  }

  // -- controls ---------------------------------------------------------------------------------

  function buildKinds() {
    const box = $("#kinds");
    for (const kind of KINDS) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox"; input.value = kind; input.checked = SHOWN_BY_DEFAULT.has(kind);
      input.id = `kind-${kind.toLowerCase()}`;
      label.htmlFor = input.id;
      label.append(input, ` ${LABELS[kind]}`);
      box.append(label);
    }
  }

  function showTab(which) {
    const network = which === "network";
    $("#tab-network").setAttribute("aria-selected", String(network));
    $("#tab-heatmap").setAttribute("aria-selected", String(!network));
    $("#tab-network").tabIndex = network ? 0 : -1;
    $("#tab-heatmap").tabIndex = network ? -1 : 0;
    $("#network-view").hidden = !network;
    $("#heatmap-view").hidden = network;
    if (network && state.cy) { state.cy.resize(); state.cy.fit(undefined, 20); }
  }

  function findNode(text) {
    const t = text.trim();
    if (!t) return null;
    const m = t.match(/\(([^()]+)\)$/);
    if (m && state.byId.has(m[1])) return m[1];
    const lower = t.toLowerCase();
    const hit = state.nodes.find((n) => n.id.toLowerCase() === lower || plainId(n).toLowerCase() === lower)
      || state.nodes.find((n) => n.label.toLowerCase() === lower)
      || state.nodes.find((n) => n.label.toLowerCase().includes(lower));
    return hit ? hit.id : null;
  }

  function wire() {
    buildKinds();
    $("#signin").addEventListener("submit", (e) => {
      e.preventDefault();
      const token = $("#token").value.trim();
      if (!token) { say("Paste a token first.", true); $("#token").focus(); return; }
      $("#token").value = "";
      signIn(token);
    });
    $("#signout").addEventListener("click", () => signOut());
    $("#apply").addEventListener("click", load);
    $("#region").addEventListener("change", load);
    $("#colour").addEventListener("change", () => state.nodes.length && draw());
    $("#size").addEventListener("change", () => state.nodes.length && draw());
    $("#highlight").addEventListener("change", highlight);
    $("#find").addEventListener("change", (e) => {
      const id = findNode(e.target.value);
      if (id) { select(id, true); $("#details").focus(); } else say(`No node matches “${e.target.value}”.`, true);
    });
    $("#tab-network").addEventListener("click", () => showTab("network"));
    $("#tab-heatmap").addEventListener("click", () => showTab("heatmap"));
    $("#views").addEventListener("keydown", (e) => {
      if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
      const next = $("#tab-network").getAttribute("aria-selected") === "true" ? "heatmap" : "network";
      showTab(next);
      $(`#tab-${next}`).focus();
    });
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) signIn(token);
  }

  // for tests and for the curious: the drawn graph and a way to select by id
  window.dolbomNetwork = {
    drawnNodes: () => (state.cy ? state.cy.nodes().length : 0),
    drawnEdges: () => (state.cy ? state.cy.edges().length : 0),
    renderedPosition: (id) => (state.cy ? state.cy.getElementById(id).renderedPosition() : null),
    nodeIds: (kind) => state.nodes.filter((n) => !kind || n.kind === kind).map((n) => n.id),
    label: (id) => (state.byId.has(id) ? state.byId.get(id).label : null),
    select: (id) => select(id, true),
    clearSelection: () => {
      if (state.cy) { state.cy.elements().unselect(); state.cy.edges().removeClass("near"); }
      const panel = $("#details");
      panel.dataset.selected = "";
      panel.innerHTML = '<h2>Details</h2><p class="hint">Click a node, or pick one with “Find a node”.</p>';
    },
  };

  wire();
})();
