"""Home page: what the lab is, which models are trained, where to go next. Imports no TensorFlow."""

import streamlit as st

from core.model_store import list_cards, models_dir
from core.presets import PRESETS

st.set_page_config(page_title="MNIST lab", page_icon="✏️", layout="wide")

st.title("MNIST lab")
st.markdown(
    "Rebuild the MNIST models of *모두를 위한 딥러닝* (labs 10 and 11) step by step: "
    "**softmax → ReLU nets → Xavier → deep nets → dropout → batch norm, L2, early stopping → CNNs → ensembles**. "
    "Train any of them with your own settings, watch the cost fall epoch by epoch, "
    "and draw a digit to see what **every** trained model answers."
)

start_columns = st.columns(3)
start_columns[0].page_link("pages/1_Train.py", label="**Train** a lecture model or your own", icon="🏋️")
start_columns[1].page_link("pages/2_Curves.py", label="**Curves**: watch and compare runs", icon="📉")
start_columns[2].page_link("pages/3_Draw.py", label="**Draw** a digit for every model", icon="✏️")

st.header("Trained models")
cards, problems = list_cards()
for problem in problems:
    st.warning(f"Skipped a saved model: {problem}")
if not cards:
    st.info(
        f"No trained models in `{models_dir()}` yet. Train one on the **Train** page, or from a terminal: "
        "`python -m core.train --preset cnn-lab`."
    )
else:
    # st.table renders real HTML (readable by screen readers and browser tests), unlike st.dataframe's canvas.
    st.table(
        [
            {
                "model": card.name,
                "type": card.kind,
                "architecture": card.description,
                "test accuracy": f"{card.test_accuracy:.4f}",
                "published": f"{card.published_accuracy:.4f}" if card.published_accuracy is not None else "–",
                "drawn digits": f"{card.drawn_accuracy:.3f}" if card.drawn_accuracy is not None else "–",
                "parameters": f"{card.parameters:,}",
                "training": f"{card.training_seconds:.0f} s",
            }
            for card in sorted(cards, key=lambda card: card.test_accuracy)
        ]
    )

st.header("The lecture path")
st.dataframe(
    [
        {"preset": preset.name, "model": preset.title, "source": preset.source,
         "published accuracy": preset.published_accuracy, "lesson": preset.lesson}
        for preset in PRESETS.values()
    ],
    hide_index=True,
    use_container_width=True,
    key="home_presets",
    column_config={"published accuracy": st.column_config.NumberColumn(format="%.4f")},
)
