// The Draw page's drawing pad (a Streamlit components-v2 component, no iframe, no toolbar over the ink).
// One 280×280 canvas, white ink on black like MNIST, drawn with pointer events (mouse, touch, pen).
// Undo and Clear sit below the canvas, never over it. On every pen-up, undo and clear the pad sends
// {seq, png, strokes} at once (no debounce): png is the canvas as a PNG data URL, null when empty.
export default function (component) {
  const { data, setStateValue, parentElement } = component;
  const root = parentElement;
  let pad = root.__mnistPad;
  if (!pad) {
    pad = root.__mnistPad = { strokes: [], seq: 0, current: null, data };
    const box = document.createElement("div");
    box.className = "pad";
    const canvas = document.createElement("canvas");
    canvas.className = "pad-canvas";
    canvas.setAttribute("role", "img");
    const tools = document.createElement("div");
    tools.className = "pad-tools";
    const undo = document.createElement("button");
    undo.type = "button";
    undo.className = "pad-undo";
    const clear = document.createElement("button");
    clear.type = "button";
    clear.className = "pad-clear";
    tools.append(undo, clear);
    box.append(canvas, tools);
    root.appendChild(box);
    Object.assign(pad, { canvas, undo, clear, context: canvas.getContext("2d") });

    const paint = () => {
      const { context, strokes } = pad;
      context.fillStyle = "#000";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.strokeStyle = "#fff";
      context.fillStyle = "#fff";
      context.lineCap = "round";
      context.lineJoin = "round";
      for (const stroke of strokes.concat(pad.current ? [pad.current] : [])) {
        const [first, ...rest] = stroke.points;
        if (!rest.length) {  // a tap: a round dot
          context.beginPath();
          context.arc(first[0], first[1], stroke.width / 2, 0, 2 * Math.PI);
          context.fill();
          continue;
        }
        context.lineWidth = stroke.width;
        context.beginPath();
        context.moveTo(first[0], first[1]);
        for (const [x, y] of rest) context.lineTo(x, y);
        context.stroke();
      }
      undo.disabled = clear.disabled = strokes.length === 0;
    };
    const send = () => {
      pad.seq += 1;
      const png = pad.strokes.length ? canvas.toDataURL("image/png") : null;
      setStateValueLatest("drawing", { seq: pad.seq, png, strokes: pad.strokes.length });
    };
    // setStateValue may change between renders: always call the latest one.
    const setStateValueLatest = (name, value) => pad.setStateValue(name, value);
    const point = (event) => {
      const rect = canvas.getBoundingClientRect();
      return [(event.clientX - rect.left) * canvas.width / rect.width,
              (event.clientY - rect.top) * canvas.height / rect.height];
    };
    canvas.addEventListener("pointerdown", (event) => {
      if (event.button !== 0 || pad.current) return;
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      pad.pointer = event.pointerId;
      pad.current = { width: pad.data.width, points: [point(event)] };
      paint();
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!pad.current || event.pointerId !== pad.pointer) return;
      event.preventDefault();
      const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
      for (const each of events.length ? events : [event]) pad.current.points.push(point(each));
      paint();
    });
    const finish = (event) => {
      if (!pad.current || event.pointerId !== pad.pointer) return;
      pad.strokes.push(pad.current);
      pad.current = null;
      paint();
      send();
    };
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    undo.addEventListener("click", () => { pad.strokes.pop(); paint(); send(); });
    clear.addEventListener("click", () => { pad.strokes = []; paint(); send(); });
    pad.paint = paint;
  }
  pad.data = data;
  pad.setStateValue = setStateValue;
  const size = data.size;
  if (pad.canvas.width !== size) {
    pad.canvas.width = pad.canvas.height = size;
  }
  pad.canvas.setAttribute("aria-label", data.labels.canvas);
  pad.undo.textContent = "↶ " + data.labels.undo;
  pad.clear.textContent = "✕ " + data.labels.clear;
  pad.paint();
}
