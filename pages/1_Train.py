"""Train: pick a lecture preset or set up your own model, see its layers and time, and queue it for training."""

import streamlit as st

from core.datasets.mnist import LECTURE_TRAIN_SIZE
from core.i18n import N_
from core.i18n.formats import duration
from core.lecture import architecture
from core.models.store import model_exists
from core.runs import dispatcher, estimates
from core.runs import store as runs
from ui.curves_view import run_label
from ui.navigation import setup_page
from ui.run_service import ensure_run_service
from ui.train_form import launch_settings, model_settings

setup_page(N_("Train"), ":material/model_training:")
ensure_run_service()
st.title("Train a model")

form = model_settings()
preset = form.preset
if form.is_custom:
    st.markdown(f"**Custom model** based on *{preset.name}*. Changed: " + "; ".join(form.changes) + ".")
else:
    st.markdown(f"**{preset.title}** ({preset.source}). Published test accuracy: **{preset.published_note}**.")
    st.caption(preset.lesson)

form = launch_settings(form)
spec = form.spec
if spec is None:
    st.warning("Fix the setting marked in red in the sidebar to see the architecture and train.")
else:
    st.subheader(spec.describe())
    if spec.tf1_draw_seed is not None:
        st.caption(f"Initial weights: the very random-normal draw the lecture's TensorFlow 1 file made under "
                   f"`tf.set_random_seed({spec.tf1_draw_seed})`, so this run starts where the published run started.")
    train_size = form.train_limit or LECTURE_TRAIN_SIZE
    estimate = estimates.estimate_for(spec, train_size)
    columns = st.columns(3)
    columns[0].metric("Parameters", f"{architecture.parameter_count(spec):,}")
    per_epoch = "Time per epoch" + (f" of {train_size:,} digits" if form.train_limit else "") + " (estimate)"
    columns[1].metric(per_epoch, duration(estimate.seconds_per_epoch),
                      help=f"{estimate.samples_per_second:,.0f} digits/s on this machine; {estimate.basis}.")
    columns[2].metric("Whole run (estimate)", duration(architecture.training_seconds(spec, estimate, train_size)),
                      help="Plus a few seconds to start: importing TensorFlow and loading MNIST.")
    with st.expander("Layers", expanded=True):
        st.dataframe(
            [{"layer": row.layer, "output shape": "×".join(str(size) for size in row.output_shape),
              "parameters": row.parameters} for row in architecture.layer_table(spec)],
            hide_index=True, key="train_layers",
            column_config={"parameters": st.column_config.NumberColumn(format="localized")},
        )
        if spec.ensemble_members > 1:
            st.caption(f"One member shown; the ensemble trains {spec.ensemble_members} of them and averages them.")

if form.name and model_exists(form.name):
    st.caption(f"A saved model called **{form.name}** exists: a successful run replaces it.")
label = "Train (quick run)" if form.train_limit else "Train"
if st.button(label, type="primary", disabled=bool(form.errors) or spec is None, key="train_start"):
    run_id = runs.create_run(spec, form.name, preset=None if form.is_custom else preset.name,
                             train_limit=form.train_limit, based_on=preset.name)
    dispatcher.dispatch()
    st.session_state["train_last_run"] = run_id

last_run = runs.get_run(st.session_state["train_last_run"]) if "train_last_run" in st.session_state else None
if last_run is not None:
    st.success(f"Run {last_run.label} is {last_run.status}. It keeps training if you leave this page.")
    st.page_link("pages/2_Curves.py", label="Watch its curves", icon=":material/show_chart:",
                 query_params={"run": str(last_run.id)})


def active_runs(shown: set[int]) -> None:
    """The queue: what trains now and what waits (a fragment refreshed every 2 s while any is active)."""
    active = [run for run in runs.list_runs(limit=50) if run.is_active]
    if {run.id for run in active} != shown:
        st.rerun(scope="app")  # one started or ended: redraw the page (and stop refreshing when none is left)
    if not active:
        return
    st.subheader("Training now and waiting")
    places = runs.queue_positions()
    for run in sorted(active, key=lambda run: run.id):
        where = f"place {places[run.id]} in the queue" if run.id in places else (run.phase or "running")
        st.page_link("pages/2_Curves.py", label=f"{run_label(run)}: {where}", query_params={"run": str(run.id)})


active_ids = {run.id for run in runs.list_runs(limit=50) if run.is_active}
st.fragment(active_runs, run_every=2.0 if active_ids else None)(active_ids)
