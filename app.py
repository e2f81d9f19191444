"""Home page: what the lab is, which models are trained, where to go next. Imports no TensorFlow."""

import streamlit as st

from core import settings
from core.i18n import N_
from core.lecture.presets import PRESETS
from core.models.store import list_cards
from ui.navigation import setup_page
from ui.run_service import ensure_run_service, store_trouble

setup_page(N_("Home"), ":material/draw:")
trouble = ensure_run_service()  # after a server restart: clean up, supervise the runs, start queued ones

st.title("MNIST lab")
st.markdown(
    "Rebuild the MNIST models of *모두를 위한 딥러닝* (labs 10 and 11) step by step: "
    "**softmax → ReLU nets → Xavier → deep nets → dropout → batch norm, L2, early stopping → CNNs → ensembles**. "
    "Train any of them with your own settings, watch the cost fall epoch by epoch, "
    "and draw a digit to see what **every** trained model answers."
)

st.page_link("pages/1_Train.py", label="**Train** a lecture model, or your own, on sliders", icon=":material/model_training:")
st.page_link("pages/2_Curves.py", label="**Curves**: watch the cost fall live and compare runs", icon=":material/show_chart:")
st.page_link("pages/3_Draw.py", label="**Draw** a digit and see every model's answer", icon=":material/draw:")

if trouble is not None:  # the run store is busy or damaged: say so in one line, the models below still show
    store_trouble(trouble)

st.header("Trained models")
cards, problems = list_cards()
for problem in problems:
    st.warning(f"Skipped a saved model: {problem}")
if not cards:
    st.info(
        f"No trained models in `{settings.models_dir()}` yet. Train one on the **Train** page, or from a terminal: "
        "`python -m core.train --preset cnn-lab`."
    )
else:
    # st.table renders real HTML (readable by screen readers and browser tests), unlike st.dataframe's canvas.
    st.table(
        [
            {
                "model": card.name + (" (quick run)" if card.is_quick else ""),
                "architecture": card.description,
                "test accuracy": f"{card.test_accuracy:.4f}",
                "published": f"{card.published_accuracy:.4f}" if card.published_accuracy is not None else "–",
                "drawn digits": f"{card.drawn_accuracy:.3f}" if card.drawn_accuracy is not None else "–",
                "parameters": f"{card.parameters:,}",
            }
            for card in sorted(cards, key=lambda card: card.test_accuracy)
        ]
    )

st.header("The lecture path")
st.table(
    [
        {"preset": preset.name, "model": preset.title, "source": preset.source,
         "published accuracy": f"{preset.published_accuracy:.4f}", "lesson": preset.lesson}
        for preset in PRESETS.values()
    ]
)
