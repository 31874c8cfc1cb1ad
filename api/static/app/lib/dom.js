// A small element builder: h("button", { type: "button", onclick: fn }, t("page.signout")).
// Attributes starting with "on" become listeners; "dataset" an object; null/false children skipped.
// Text is always set as text (never HTML), so nothing from the API is ever parsed as markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replace the children of ``el``. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
/** A labelled control: <label for=id>text</label> + the control (given an id if it has none). */
export function field(labelText, control, hint = null) {
  if (!control.id) control.id = `f${++uid}`;
  const parts = [h("label", { for: control.id }, labelText), control];
  if (hint) {
    const hid = `${control.id}-hint`;
    control.setAttribute("aria-describedby", hid);
    parts.push(h("span", { id: hid, class: "hint" }, hint));
  }
  return h("div", { class: "field" }, parts);
}

/** A <select> of [value, text] pairs; ``selected`` the chosen value. */
export function select(options, selected = "", attrs = {}) {
  return h("select", attrs, options.map(([v, text]) =>
    h("option", { value: v, selected: String(v) === String(selected) }, text)));
}

/** A table from column headers and rows of cells (strings or nodes); a caption labels it. */
export function table(caption, headers, rows, attrs = {}) {
  return h("table", attrs,
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c))))));
}
