// Building DOM nodes without HTML strings: h("p", {class: "x"}, "text", child).
// Text always goes in as text, so data can never become markup.

// props: class, text, on: {event: fn}, dataset: {...}; value/checked/
// selected/disabled are set as properties (after the children, so a
// <select> gets its value once its options exist); everything else is an
// attribute (true -> present, false/null/undefined -> absent).
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  const late = {};
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = Array.isArray(v) ? v.filter(Boolean).join(" ") : v;
    else if (k === "text") el.textContent = v;
    else if (k === "on") for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "value" || k === "checked" || k === "selected" || k === "disabled") late[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  for (const [k, v] of Object.entries(late)) el[k] = v;
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function $(sel, root = document) {
  return root.querySelector(sel);
}

export function $$(sel, root = document) {
  return [...root.querySelectorAll(sel)];
}

let uid = 0;
// A fresh id for label/aria links.
export function newId(prefix = "f") {
  uid += 1;
  return `${prefix}-${uid}`;
}
