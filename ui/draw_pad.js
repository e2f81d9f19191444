// The Draw page's pad companion for streamlit-drawable-canvas 0.13 (Streamlit Components v2),
// from the tested companion in docs/CANVAS.md. Rendered right after the page's st_canvas, in the
// same document. It
//   1. finds that canvas: the element container with class `st-key-<canvasKey>`, else the
//      nearest preceding [data-testid=stBidiComponentIsolated] whose open shadow root holds a
//      Fabric `canvas.upper-canvas`;
//   2. hides the library's floating toolbar with a stylesheet injected into that shadow root
//      (and makes it inert), so nothing covers the canvas and the toolbar's "Edit"
//      (select/move) toggle can never be reached; a guard switches edit mode off if it ever is on;
//   3. on every pointer/mouse/touch end of a stroke that started on the canvas, sends the
//      drawing at once (no debounce) as a PNG data URL (CSS pixels: `data.size` square, whatever
//      the screen's pixel ratio) plus a sequence number and the number of strokes;
//   4. offers Undo and Clear, driving the library's own (hidden) Undo and Reset buttons, so its
//      history stays the single source of truth, then sends the new PNG as soon as the canvas
//      has re-rendered.
// Anything it cannot find is reported loudly: a visible note under the canvas and console.error.

// ---- module-level state (the module is evaluated once per page; instances are per mount) ----

/** Live companion instances, keyed by the parentElement Streamlit hands us. */
const INSTANCES = new Map();

/** Stylesheet injected into the canvas' shadow root. */
const HIDE_CSS =
  ".dc-toolbar{display:none!important;visibility:hidden!important;pointer-events:none!important}";
const STYLE_MARK = "data-draw-companion";

/** How long to wait for the library's DOM before declaring it missing (default; data can
 *  override it), and for the canvas to change after Undo/Clear. */
const FIND_TIMEOUT_MS = 8000;
/** aria-label prefixes of the library toolbar buttons that Undo and Clear drive. */
const LIBRARY_CONTROLS = ["Undo", "Reset"];
const REDRAW_TIMEOUT_MS = 1000;

// One set of document/window listeners for the whole page, installed once even if the module
// is evaluated again (e.g. after the JS changed during development).
const GLOBAL = (window.__drawCompanion ??= { owner: null, instances: new Map(), active: null });

// ---- locating the canvas ----

/** The light-DOM element that represents us (the host when our own styles are isolated). */
function anchorOf(parentElement) {
  return parentElement instanceof ShadowRoot ? parentElement.host : parentElement;
}

/** Returns {host, root, upper, lower, toolbar} for a Bidi host whose shadow root holds Fabric. */
function canvasParts(host) {
  const root = host && host.shadowRoot; // null if the root were closed
  const upper = root && root.querySelector("canvas.upper-canvas");
  if (!upper) return null;
  // Fabric's drawing canvas is the `lower-canvas` in the same wrapper as the upper canvas (the
  // library's background-image canvas also carries the class `lower-canvas`).
  const lower = upper.parentElement && upper.parentElement.querySelector("canvas.lower-canvas");
  if (!lower) return null;
  return { host, root, upper, lower, toolbar: root.querySelector(".dc-toolbar") };
}

/** Finds the drawable canvas that belongs to this companion, or null. */
function findCanvas(inst) {
  const key = inst.data.canvasKey;
  // Streamlit gives a keyed element's container the class `st-key-<key>`. If that container
  // exists, it is the only candidate (its canvas may still be loading).
  const box = key && document.querySelector(`.st-key-${CSS.escape(key)}`);
  if (box) return canvasParts(box.querySelector("[data-testid=stBidiComponentIsolated]"));
  // Fallback (no key, or Streamlit stopped adding key classes): the nearest preceding Bidi
  // component that holds a Fabric canvas.
  const me = inst.anchor;
  const hosts = [...document.querySelectorAll("[data-testid=stBidiComponentIsolated]")];
  for (let i = hosts.length - 1; i >= 0; i--) {
    const host = hosts[i];
    if (host === me || !(host.compareDocumentPosition(me) & Node.DOCUMENT_POSITION_FOLLOWING)) continue;
    const parts = canvasParts(host);
    if (parts) return parts;
  }
  return null;
}

// ---- keeping the canvas clean ----

/** Hides the toolbar (idempotent) and makes sure edit (select/move) mode is off. */
function neutraliseToolbar(parts) {
  if (!parts.root.querySelector(`style[${STYLE_MARK}]`)) {
    const style = document.createElement("style");
    style.setAttribute(STYLE_MARK, "");
    style.textContent = HIDE_CSS;
    parts.root.appendChild(style);
  }
  const toolbar = parts.root.querySelector(".dc-toolbar");
  if (toolbar) {
    toolbar.inert = true; // no focus, no clicks, even if some CSS brought it back
    toolbar.setAttribute("aria-hidden", "true");
    const edit = toolbar.querySelector('button[aria-label="Edit"]');
    if (edit && edit.getAttribute("aria-pressed") === "true") edit.click(); // back to drawing
  }
  parts.toolbar = toolbar;
}

/** The library's toolbar button whose aria-label starts with `label` ("Undo", "Reset ..."). */
function libraryButton(parts, label) {
  const buttons = parts.toolbar ? parts.toolbar.querySelectorAll("button") : [];
  return [...buttons].find((b) => (b.getAttribute("aria-label") || "").startsWith(label)) || null;
}

/** Re-resolves the canvas if it is gone or replaced; reports failure after FIND_TIMEOUT_MS. */
function sync(inst) {
  const p = inst.parts;
  const alive = p && p.host.isConnected && p.upper.isConnected && p.root.contains(p.upper);
  if (!alive) inst.parts = findCanvas(inst);
  if (inst.parts) {
    neutraliseToolbar(inst.parts);
    if (inst.data.labels?.canvas) inst.parts.upper.setAttribute("aria-label", inst.data.labels.canvas);
    inst.lostSince = null;
    const missing = LIBRARY_CONTROLS.filter((label) => !libraryButton(inst.parts, label));
    setProblem(inst, missing.length === 0 ? null : `Drawing companion: the canvas' ${missing.join(" and ")} ` +
      "control was not found (has its DOM changed?). Drawing works; Undo/Clear do not.");
  } else {
    inst.lostSince ??= performance.now();
    if (performance.now() - inst.lostSince > (Number(inst.data.findTimeoutMs) || FIND_TIMEOUT_MS)) {
      setProblem(inst, "Drawing companion: the drawable canvas was not found (has its DOM changed?). " +
        "Strokes are not being sent.");
    }
    clearTimeout(inst.retryTimer);
    // Keep looking: the library builds its DOM asynchronously after its module loads.
    if (!inst.dead) inst.retryTimer = setTimeout(() => sync(inst), 100);
  }
  return inst.parts;
}

/** Shows (or clears) a visible error note under the canvas. */
function setProblem(inst, message) {
  const text = message || "";
  inst.rootEl.dataset.status = message ? "error" : "ok";
  if (inst.noteEl.textContent === text) return;
  inst.noteEl.textContent = text;
  inst.noteEl.hidden = !message;
  if (message) console.error(message);
}

// ---- reading and sending the drawing ----

/** The drawing as a PNG data URL: black background, then Fabric's lower and upper canvases.
 *  `size` CSS pixels square (0.13 turns Fabric's retina scaling off; were it on, the PNG would not grow). */
function snapshot(parts, size) {
  const { lower, upper } = parts;
  const out = (parts.scratch ??= document.createElement("canvas"));
  out.width = out.height = Number(size) || lower.clientWidth || lower.width; // also clears it
  const ctx = out.getContext("2d");
  ctx.fillStyle = "#000";
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(lower, 0, 0, out.width, out.height);
  // The upper canvas holds only a stroke still in progress (empty once Fabric finalised it).
  ctx.drawImage(upper, 0, 0, out.width, out.height);
  return out.toDataURL("image/png");
}

/** Sends the current drawing to Python with the next sequence number. */
function send(inst, op, png) {
  if (!inst.parts && !sync(inst)) return;
  inst.seq += 1;
  inst.strokes = op === "clear" ? 0 : Math.max(0, inst.strokes + ({ stroke: 1, undo: -1 }[op] || 0));
  inst.rootEl.dataset.seq = String(inst.seq);
  const value = { png: png ?? snapshot(inst.parts, inst.data.size), seq: inst.seq, op, strokes: inst.strokes };
  GLOBAL.lastSendAt = performance.now(); // diagnostics: lets tests split the latency
  inst.setStateValue("drawing", value);
}

/** Sends after the frame in which Fabric renders the finished stroke (it renders on rAF). */
function scheduleStrokeSend(inst) {
  // Re-armed by each end event (pointerup, then mouseup/touchend), so it runs after all of them;
  // setTimeout(0) puts our rAF callback behind the one Fabric requested while handling them.
  clearTimeout(inst.strokeTimer);
  cancelAnimationFrame(inst.strokeFrame);
  inst.strokeTimer = setTimeout(() => {
    inst.strokeFrame = requestAnimationFrame(() => send(inst, "stroke"));
  }, 0);
}

/** Clicks one of the library's hidden toolbar buttons, then sends once the canvas changed. */
function driveLibrary(inst, label, op) {
  const parts = sync(inst); // reports a missing canvas or control visibly
  const button = parts && libraryButton(parts, label);
  if (!button) return;
  const before = snapshot(parts, inst.data.size);
  if (button.disabled) { // nothing to undo: still answer, so the page always gets a value
    send(inst, op, before);
    return;
  }
  button.click(); // the library restores its history state asynchronously (loadFromJSON)
  const started = performance.now();
  const poll = () => {
    const now = snapshot(parts, inst.data.size);
    if (now !== before || performance.now() - started > REDRAW_TIMEOUT_MS) send(inst, op, now);
    else requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}

// ---- page-wide input listeners (installed once) ----

/** The instance whose canvas this event's composed path goes through, if any. */
function instanceForEvent(event) {
  const target = event.composedPath()[0];
  if (!(target instanceof HTMLCanvasElement) || !target.classList.contains("upper-canvas")) return null;
  for (const inst of GLOBAL.instances.values()) {
    if (inst.parts && inst.parts.upper === target) return inst;
  }
  for (const inst of GLOBAL.instances.values()) { // canvas replaced since the last sync?
    if (sync(inst) && inst.parts.upper === target) return inst;
  }
  return null;
}

function installGlobalListeners() {
  if (GLOBAL.owner === INSTANCES) return;
  GLOBAL.uninstall?.(); // listeners of an older evaluation of this module (development reloads)
  GLOBAL.owner = INSTANCES;
  GLOBAL.instances = INSTANCES;
  // A stroke starts on the canvas: pointer events cover mouse, touch and pen; mousedown and
  // touchstart are fallbacks for browsers or synthetic input without pointer events.
  const onStart = (event) => {
    const inst = instanceForEvent(event);
    if (!inst) return;
    neutraliseToolbar(inst.parts); // edit mode guard, before Fabric sees the press
    GLOBAL.active = inst;
  };
  // ...and ends anywhere on the page (the pointer may leave the canvas mid-stroke).
  const onEnd = () => {
    const inst = GLOBAL.active;
    if (!inst) return;
    scheduleStrokeSend(inst);
    // Keep `active` until the trailing mouseup/touchend of the same stroke has been seen.
    clearTimeout(GLOBAL.endTimer);
    GLOBAL.endTimer = setTimeout(() => { if (GLOBAL.active === inst) GLOBAL.active = null; }, 0);
  };
  const starts = ["pointerdown", "mousedown", "touchstart"];
  const ends = ["pointerup", "pointercancel", "mouseup", "touchend", "touchcancel"];
  for (const type of starts) document.addEventListener(type, onStart, { capture: true, passive: true });
  for (const type of ends) window.addEventListener(type, onEnd, { passive: true }); // bubble: after Fabric
  // Streamlit re-renders elements on reruns; re-check the canvases at most once per frame.
  let queued = false;
  const observer = new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      for (const inst of GLOBAL.instances.values()) sync(inst);
    });
  });
  observer.observe(document.body, { childList: true, subtree: true });
  GLOBAL.uninstall = () => {
    for (const type of starts) document.removeEventListener(type, onStart, { capture: true });
    for (const type of ends) window.removeEventListener(type, onEnd);
    observer.disconnect();
  };
}

// ---- the component entry point: called on mount and again whenever `data` changes ----

/**
 * @param {{data: {canvasKey?: string, labels?: {undo?: string, clear?: string}, findTimeoutMs?: number},
 *          parentElement: HTMLElement|ShadowRoot, setStateValue: (name: string, value: unknown) => void}} component
 */
export default function (component) {
  const { data, parentElement, setStateValue } = component;
  installGlobalListeners();
  let inst = INSTANCES.get(parentElement);
  const rootEl = parentElement.querySelector(".dc-companion");
  if (!inst || inst.rootEl !== rootEl) { // new mount, or Streamlit replaced our HTML (dev reload)
    inst = {
      anchor: anchorOf(parentElement),
      rootEl,
      noteEl: rootEl.querySelector(".dc-companion-note"),
      parts: null,
      seq: inst ? inst.seq : 0, // per mount: a remount is a new, empty canvas
      strokes: inst ? inst.strokes : 0,
      data,
      setStateValue,
    };
    rootEl.querySelector("[data-action=undo]").addEventListener("click", () => driveLibrary(inst, "Undo", "undo"));
    rootEl.querySelector("[data-action=clear]").addEventListener("click", () => driveLibrary(inst, "Reset", "clear"));
    INSTANCES.set(parentElement, inst);
  }
  // Reruns: refresh the callbacks and data, never add listeners again.
  inst.data = data || {};
  inst.setStateValue = setStateValue;
  const labels = inst.data.labels || {};
  inst.rootEl.querySelector("[data-action=undo]").textContent = labels.undo || "Undo";
  inst.rootEl.querySelector("[data-action=clear]").textContent = labels.clear || "Clear";
  sync(inst);

  // Streamlit calls this on unmount, but also right away for a superseded call; only forget the
  // instance once its element has really left the page.
  return () => setTimeout(() => {
    if (inst.anchor.isConnected) return;
    inst.dead = true;
    clearTimeout(inst.retryTimer);
    INSTANCES.delete(parentElement);
    if (GLOBAL.active === inst) GLOBAL.active = null;
  }, 0);
}
