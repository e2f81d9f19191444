"""The Draw page's look: one style block, sized so a 1024×768 projector shows the pad, the 28×28 preview
and the headline answer together, and (presentation mode) large enough to read from the back of a room.

Elements are found by their container keys (Streamlit gives a keyed container the class
`st-key-<key>`): `draw_headline`, `draw_preview_box`, `draw_models`, `draw_answer_<model>`, and
`draw_disagrees_<model>` / `draw_votes_<model>` inside a model's box.
"""

from __future__ import annotations

import streamlit as st

BASE_CSS = """
.block-container { padding-top: 3rem; padding-bottom: 2rem; }
.st-key-draw_intro p { margin-bottom: 0; font-size: 1.1rem; }
.st-key-draw_answer_box { max-width: 36rem; }
.st-key-draw_headline { min-width: 12rem; }
.st-key-draw_headline [data-testid=stMarkdownContainer] p.draw-digit,
.st-key-draw_headline .draw-digit { font-size: 6.5rem; font-weight: 700; line-height: 1; margin: 0; }
.st-key-draw_headline h2 { font-size: 6.5rem; line-height: 1.05; padding: 0; margin: 0; }
.st-key-draw_headline h3 { font-size: 1.6rem; line-height: 1.2; padding: 0.2rem 0; }
.st-key-draw_preview_box img { image-rendering: pixelated; image-rendering: crisp-edges; border-radius: 4px; }
.st-key-draw_headline { max-width: 19rem; }
.st-key-draw_preview_box [data-testid=stImageCaption], .st-key-draw_preview_box [data-testid=stCaptionContainer] {
  max-width: 140px; }
.st-key-draw_models { gap: 0.5rem; }
.st-key-draw_models [data-testid=stMetric] { padding: 0.2rem 0.55rem 0.3rem !important; }
.st-key-draw_models [data-testid=stMetric] > div { display: grid; grid-template-columns: auto auto; column-gap: 0.4rem;
  align-items: baseline; padding: 0 !important; }
.st-key-draw_models [data-testid=stMetricLabel] { grid-column: 1 / span 2; min-height: 0; margin: 0; }
.st-key-draw_models [data-testid=stMetricLabel] p { font-size: 0.8rem; }
.st-key-draw_models [data-testid=stMetricValue] { font-size: 2.4rem; line-height: 1.1; padding: 0 !important; }
.st-key-draw_models [data-testid=stMetricDelta] { font-size: 0.95rem; }
[class*="st-key-draw_disagrees_"] [data-testid=stMetricValue] { color: #e8710a; }
[class*="st-key-draw_votes_"] [data-testid=stMetric] { border-color: #1f77b4; border-width: 2px; }
"""
# Presentation mode (ui.navigation sets the root font to 20 px and folds the sidebar): bigger digits still.
PRESENTING_CSS = """
.block-container { padding-top: 3.5rem; }
.st-key-draw_intro { display: none; }
.st-key-draw_headline h2 { font-size: 7.5rem; }
.st-key-draw_headline h3 { font-size: 1.7rem; }
.st-key-draw_models [data-testid=stMetricValue] { font-size: 2.8rem; }
.st-key-draw_models [data-testid=stMetricLabel] p { font-size: 0.85rem; }
"""


def draw_styles(presenting: bool) -> None:
    """The Draw page's style block (once per full page run; the answers' fragment reruns keep it)."""
    st.html("<style>" + BASE_CSS + (PRESENTING_CSS if presenting else "") + "</style>")
