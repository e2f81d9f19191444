"""The Models page's parts: the saved models, one model's card and actions, the Draw page's choice, the trash.

Everyone sees the models and may download one (.keras + card). Only the teacher renames, deletes,
restores and chooses the Draw page's models: the buttons are drawn for the teacher only, and every
action goes through core.models (manage, selection), which checks the teacher again. A later
issue adds confusion matrices and full model cards to `model_details`.
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

from core.classroom.roles import Refusal
from core.datasets.mnist import LECTURE_TRAIN_SIZE
from core.i18n import _
from core.i18n.formats import number, percent
from core.models import manage
from core.models.manage import ModelEntry
from core.models.selection import DrawSelection, draw_selection, set_draw_selection
from ui.teacher import actor, is_teacher, show_refusal

MESSAGE_KEY = "models_message"  # (level, text) of the last action, shown once


def act(action: Callable[[], str]) -> None:
    """Run a teacher action from a callback; keep its outcome (or the refusal) to show on the next run."""
    try:
        st.session_state[MESSAGE_KEY] = ("success", action())
    except Refusal as error:
        st.session_state[MESSAGE_KEY] = ("refusal", error)
    except ValueError as error:  # a name with no usable characters
        st.session_state[MESSAGE_KEY] = ("error", str(error))


def show_message() -> None:
    """The outcome of the last action, once."""
    level, message = st.session_state.pop(MESSAGE_KEY, (None, None))
    if level == "refusal":
        show_refusal(message)
    elif level == "success":
        st.success(message, icon=":material/check_circle:")
    elif level == "error":
        st.error(message)


def _marks(entry: ModelEntry) -> str:
    marks = [_("shipped") if entry.shipped else "", _("quick run") if entry.card.is_quick else "",
             "" if entry.shown else _("hidden from Draw")]
    return ", ".join(mark for mark in marks if mark)


def models_table(entries: list[ModelEntry]) -> None:
    """Every saved model in one table, best test accuracy first."""
    votes = {True: _("yes"), False: _("no"), None: _("the Draw page decides")}
    st.dataframe(
        [{_("model"): entry.name, _("notes"): _marks(entry), _("test accuracy"): entry.card.test_accuracy,
          _("real handwriting"): entry.card.handwriting_accuracy,
          _("architecture"): entry.card.description, _("parameters"): entry.card.parameters,
          _("size (MB)"): round(entry.size_bytes / 1e6, 2), _("on the Draw page"): entry.shown,
          _("votes"): votes[entry.voting]}
         for entry in sorted(entries, key=lambda entry: -entry.card.test_accuracy)],
        hide_index=True, key="models_table",
        column_config={_("test accuracy"): st.column_config.NumberColumn(format="%.4f"),
                       _("real handwriting"): st.column_config.NumberColumn(format="%.4f"),
                       _("parameters"): st.column_config.NumberColumn(format="localized")})


def _rename(old: str) -> str:
    new = manage.rename_model(old, st.session_state.get("models_new_name", ""), actor())
    return _("Renamed {old} to {new}.").format(old=old, new=new)


def _delete(name: str) -> str:
    manage.move_to_trash(name, actor())
    return _("Moved {name} to the trash. It can be restored from the Trash tab.").format(name=name)


def model_details(entry: ModelEntry) -> None:
    """One model: its card's figures, its download, and the teacher's rename and delete."""
    card = entry.card
    digits = (card.train_limit or LECTURE_TRAIN_SIZE) + int(card.spec.get("synthetic_digits", 0))  # + stroke-drawn ones
    handwriting = card.handwriting_accuracy
    with st.container(horizontal=True, wrap=True, gap="small", key="models_figures"):  # wraps: nothing cut off
        st.metric(_("Test accuracy"), percent(card.test_accuracy, 2), help=_("MNIST's 10,000 test digits."),
                  width="content", border=True)
        st.metric(_("Real handwriting"), "–" if handwriting is None else percent(handwriting, 1), width="content",
                  border=True, help=_("Digits people wrote with a pen, people no model ever saw, drawn on the canvas "
                                      "as a visitor draws (measured by bench/handwriting.py; – : not measured)."))
        if card.class_accuracy is not None:
            st.metric(_("our class: held out"), percent(card.class_accuracy, 1), width="content", border=True)
        st.metric(_("Parameters"), number(card.parameters), width="content", border=True)
        st.metric(_("Trained on"), _("{digits} digits").format(digits=number(digits)), width="content", border=True)
        st.metric(_("Epochs"), number(card.epochs_run), width="content", border=True)
    st.caption(card.description + (f" · {card.preset}" if card.preset else "") + (f" · {card.created}" if card.created else ""))
    st.download_button(_("Download (.keras and card, zip)"), data=lambda: manage.export_model(entry.name),
                       file_name=f"{entry.name}.zip", mime="application/zip", key=f"models_download_{entry.name}",
                       icon=":material/download:", on_click="ignore")
    if entry.shipped:
        st.info(_("A shipped lecture model: read-only. It can be hidden from the Draw page."), icon=":material/lock:")
    elif is_teacher():
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.text_input(_("New name"), key="models_new_name", max_chars=64)
            st.button(_("Rename"), key="models_rename", on_click=act, args=(lambda: _rename(entry.name),),
                      icon=":material/edit:")
            st.button(_("Delete"), key="models_delete", on_click=act, args=(lambda: _delete(entry.name),),
                      icon=":material/delete:", help=_("Moves the model to the trash; it can be restored."))
    else:
        st.caption(_("Only the teacher can rename or delete models."))


def _save_selection(names: list[str]) -> str:
    shown = None if st.session_state.get("models_show_all", True) else frozenset(st.session_state["models_shown"])
    voting = None if st.session_state.get("models_vote_rule", True) else frozenset(st.session_state["models_voting"])
    set_draw_selection(DrawSelection(shown, voting), actor())
    return _("The Draw page's models are saved.")


def draw_choice(names: list[str]) -> None:
    """Which models the Draw page shows and which vote: the teacher chooses, everyone sees the choice."""
    current = draw_selection()
    if not is_teacher():
        shown = _("every saved model") if current.shown is None else ", ".join(sorted(current.shown)) or "–"
        voting = _("the Draw page's own rule") if current.voting is None else ", ".join(sorted(current.voting)) or "–"
        st.markdown(_("**Shown on the Draw page:** {shown}").format(shown=shown))
        st.markdown(_("**Vote in the ensemble:** {voting}").format(voting=voting))
        st.caption(_("Only the teacher can choose the models of the Draw page."))
        return
    st.toggle(_("Show every saved model"), value=current.shown is None, key="models_show_all")
    if not st.session_state["models_show_all"]:
        st.multiselect(_("Shown on the Draw page"), names, default=sorted(set(names) & (current.shown or set())),
                       key="models_shown")
    st.toggle(_("Let the Draw page decide who votes (its measured rule)"), value=current.voting is None,
              key="models_vote_rule")
    if not st.session_state["models_vote_rule"]:
        st.multiselect(_("Vote in the ensemble"), names, default=sorted(set(names) & (current.voting or set())),
                       key="models_voting")
    st.button(_("Save the Draw page's models"), key="models_save_selection", type="primary", on_click=act,
              args=(lambda: _save_selection(names),), icon=":material/save:")


def trash_view() -> None:
    """The deleted models: the teacher restores one, or empties the trash."""
    items = manage.list_trash()
    if not items:
        st.info(_("The trash is empty."), icon=":material/delete_outline:")
        return
    teacher = is_teacher()
    for item in items:
        with st.container(border=True, horizontal=True, vertical_alignment="center"):
            accuracy = percent(item.card.test_accuracy, 2) if item.card else "–"
            st.markdown(f"**{item.name}** · {accuracy} · {item.size_bytes / 1e6:.2f} MB")
            if teacher:
                st.button(_("Restore"), key=f"models_restore_{item.id}", icon=":material/restore_from_trash:",
                          on_click=act, args=(lambda item_id=item.id, name=item.name: _restore(item_id, name),))
    if teacher:
        st.button(_("Empty the trash"), key="models_empty_trash", icon=":material/delete_forever:", on_click=act,
                  args=(lambda: _("Deleted {count} model(s) for good.").format(count=manage.empty_trash(actor())),),
                  help=_("Deletes the models in the trash for good."))
    else:
        st.caption(_("Only the teacher can restore models."))


def _restore(item_id: str, name: str) -> str:
    return _("Restored {name}.").format(name=manage.restore(item_id, actor()))
