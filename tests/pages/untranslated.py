"""Find text on a page that did not go through the catalogue.

Run a page with `?lang=pseudo`: every translated string then arrives wrapped in ⟦ ⟧. Whatever
visible text is left once the wrapped parts, code spans, numbers and the names that are never
translated (model names, digits, units, the app's name) are taken out, skipped the catalogue.
"""

from __future__ import annotations

import re
from typing import Iterable

from streamlit.testing.v1 import AppTest

WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
CODE = re.compile(r"`[^`]*`")
# Names and symbols that are the same in every language.
NEVER_TRANSLATED = re.compile(
    r"MNIST lab|MNIST|[A-Za-z0-9_.-]*[0-9_-][A-Za-z0-9_.-]*|Keras|TensorFlow|softmax|ReLU|relu|Xavier|Adam|"
    r"CNN|MLP|keep_prob|epoch|cost|Momentum|Adagrad|RMSProp|He|ELU|sigmoid|tanh|Softmax|[:/]material/[a-z_]+[:/]?|https?://\S+")
LETTERS = re.compile(r"[A-Za-z가-힣]{2,}")
TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
                 "text", "exception")
LABELLED = ("button", "checkbox", "toggle", "radio", "selectbox", "multiselect", "slider", "select_slider",
            "text_input", "number_input", "segmented_control", "page_link", "metric", "expander", "tabs")


def visible_texts(at: AppTest) -> Iterable[tuple[str, str]]:
    """(kind, text) for every piece of text the page shows: bodies, labels, help, table headers."""
    for kind in TEXT_ELEMENTS:
        for element in at.get(kind):
            yield kind, str(getattr(element, "value", "") or getattr(element.proto, "body", ""))
    for kind in LABELLED:
        for element in at.get(kind):
            proto = element.proto
            for field in ("label", "help", "placeholder"):
                value = getattr(proto, field, "")
                if isinstance(value, str) and value:
                    yield f"{kind}.{field}", value
    for table in list(at.get("table")) + list(at.get("arrow_data_frame")):
        frame = table.value
        for column in getattr(frame, "columns", []):
            yield "table header", str(column)
        for cell in getattr(frame, "values", []).flatten() if hasattr(frame, "values") else []:
            if isinstance(cell, str):
                yield "table cell", cell


def leftovers(text: str, names: Iterable[str] = ()) -> str:
    """What remains of a text once the translated, coded and never-translated parts (and `names`) are taken out."""
    while WRAPPED.search(text):  # translations nest ("{title}" inside a sentence): innermost first
        text = WRAPPED.sub(" ", text)
    for pattern in (CODE, NEVER_TRANSLATED):
        text = pattern.sub(" ", text)
    words = LETTERS.findall(text)
    return " ".join(word for word in words if word not in set(names))


def untranslated(at: AppTest, names: Iterable[str] = ()) -> list[str]:
    """Every visible text of the page with words outside the catalogue; `names` (models, runs) are data, not text."""
    names = {word for name in names for word in LETTERS.findall(name)}
    return [f"{kind}: {text!r} → {rest!r}" for kind, text in visible_texts(at) if (rest := leftovers(text, names))]
