"""Every visible string in Korean and English: gettext catalogues, the language in use, numbers and durations.

    from core.i18n import _, N_, ngettext
    _("Train")            # in the language of this session (a Streamlit visitor) or process (a command line)
    N_("Softmax, Adam")   # marks a constant for the catalogue; translate it where it is shown: _(preset.title)

English is the source language (the message ids); `locales/ko/LC_MESSAGES/mnist_lab.po` holds
the Korean. `python -m core.i18n.messages` extracts the ids from the code and checks the catalogue.
"""

from core.i18n.catalog import DEFAULT_LANGUAGE, LANGUAGES, N_, _, language, ngettext, set_language, use_language_source

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "N_", "_", "language", "ngettext", "set_language", "use_language_source"]
