"""Train: pick a lecture preset or set up your own model, see its layers and time, and queue it for training."""

import streamlit as st

from core.classroom.limits import current_limits
from core.classroom.roles import Refusal
from core.datasets.mnist import LECTURE_TRAIN_SIZE
from core.i18n import N_, _
from core.i18n.formats import duration, number
from core.lecture import architecture
from core.lecture.architecture import display_name
from core.runs import admission, estimates
from core.runs import store as runs
from ui.navigation import setup_page
from ui.run_service import ensure_run_service, store_trouble
from ui.teacher import actor, is_teacher, show_refusal
from ui.train_form import model_settings
from ui.train_launch import launch_settings, new_default_name
from ui.train_queue import active_runs, quota_note, status_label

setup_page(N_("Train"), ":material/model_training:")
trouble = ensure_run_service()
st.title(_("Train a model"))
if trouble is not None:
    store_trouble(trouble)

form = model_settings()
preset = form.preset
if ignored := st.session_state.pop("train_link_ignored", None):
    st.warning(_("This link had settings the controls cannot take; they were left out: {keys}.").format(
        keys=", ".join(ignored)), icon=":material/link_off:")
if form.is_custom:
    st.markdown(_("**Custom model** based on *{preset}*. Changed: {changes}.").format(
        preset=preset.name, changes="; ".join(form.changes)))
else:
    st.markdown(_("**{title}** ({source}). Published test accuracy: **{published}**.").format(
        title=_(preset.title), source=preset.source, published=_(preset.published_note)))
    st.caption(_(preset.lesson))

teacher = is_teacher()
form = launch_settings(form, teacher)
spec = form.spec
if spec is None:
    st.warning(_("Fix the setting marked in red in the sidebar to see the architecture and train."))
else:
    st.subheader(spec.describe())
    if spec.tf1_draw_seed is not None:
        st.caption(_("Initial weights: the very random-normal draw the lecture's TensorFlow 1 file made under "
                     "`tf.set_random_seed({seed})`, so this run starts where the published run started.").format(
            seed=spec.tf1_draw_seed))
    train_size = spec.training_digits(form.train_limit or LECTURE_TRAIN_SIZE)
    try:
        estimate = estimates.estimate_for(spec, train_size)
    except runs.StoreUnavailable:  # no calibration from past runs: the layer table's own estimate
        estimate = architecture.estimate_epoch_seconds(spec, train_size)
    columns = st.columns(3)
    columns[0].metric(_("Parameters"), number(architecture.parameter_count(spec)))
    per_epoch = (_("Time per epoch of {digits} digits (estimate)").format(digits=number(train_size))
                 if train_size != LECTURE_TRAIN_SIZE else _("Time per epoch (estimate)"))
    columns[1].metric(per_epoch, duration(estimate.seconds_per_epoch),
                      help=_("{speed} digits/s on this machine; {basis}.").format(
                          speed=number(estimate.samples_per_second), basis=estimate.basis))
    columns[2].metric(_("Whole run (estimate)"), duration(architecture.training_seconds(spec, estimate, train_size)),
                      help=_("Plus a few seconds to start: importing TensorFlow and loading MNIST."))
    with st.expander(_("Layers"), expanded=True):
        st.dataframe(
            [{_("layer"): display_name(row.layer), _("output shape"): "×".join(str(size) for size in row.output_shape),
              _("parameters"): row.parameters} for row in architecture.layer_table(spec)],
            hide_index=True, key="train_layers",
            column_config={_("parameters"): st.column_config.NumberColumn(format="localized")},
        )
        if spec.ensemble_members > 1:
            st.caption(_("One member shown; the ensemble trains {count} of them and averages them.").format(
                count=spec.ensemble_members))

visitor_refusal = None
if spec is not None and not teacher:
    try:
        admission.check_visitor_run(spec, form.train_limit, current_limits())
    except Refusal as error:
        visitor_refusal = error
        show_refusal(error)


def start_run(spec, name, preset_name, custom, train_limit, replace) -> None:
    """The Train button's callback: queue the run if the classroom allows it (checked again on the server)."""
    try:
        run_id = admission.submit_run(spec, name, actor(), preset=None if custom else preset_name,
                                      based_on=preset_name, train_limit=train_limit, replace=replace)
    except Refusal as error:
        st.session_state["train_refusal"] = error
        return
    st.session_state["train_last_run"] = run_id
    new_default_name()


label = _("Train (quick run)") if form.train_limit else _("Train")
st.button(label, type="primary", key="train_start", on_click=start_run,
          disabled=bool(form.errors) or spec is None or trouble is not None or visitor_refusal is not None,
          args=(spec, form.name, preset.name, form.is_custom, form.train_limit, form.replace))
if refusal := st.session_state.pop("train_refusal", None):
    show_refusal(refusal)
quota_note(teacher)

last_run = None
if "train_last_run" in st.session_state and trouble is None:
    last_run = runs.get_run(st.session_state["train_last_run"])
if last_run is not None:
    st.success(_("Run {label} is {status}. It keeps training if you leave this page.").format(
        label=last_run.label, status=status_label(last_run.status)))
    st.page_link("pages/2_Curves.py", label=_("Watch its curves"), icon=":material/show_chart:",
                 query_params={"run": str(last_run.id)})

if trouble is None:
    active_ids = {run.id for run in runs.list_runs(limit=50) if run.is_active}
    st.fragment(active_runs, run_every=2.0 if active_ids else None)(active_ids)
