"""Which language a run of fitn7 speaks to people: French unless told otherwise."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from fitn7.errors import Fitn7Error

#: A language fitn7 renders in.
Lang = Literal["fr", "en"]

#: Every language fitn7 renders in, the default first.
LANGS: tuple[Lang, ...] = ("fr", "en")

#: The environment variable that sets the language when `--lang` is not given.
ENV_VAR = "FITN7_LANG"


class LangError(Fitn7Error):
    """A language fitn7 does not speak was asked for (`--lang de`, `FITN7_LANG=de`)."""

    def __init__(self, given: str, origin: str) -> None:
        self.given = given
        self.origin = origin
        accepted = ", ".join(LANGS)
        super().__init__(
            f"fitn7: {origin}: unknown language `{given}` (accepted: {accepted})")


def choose_lang(option: str | None, environ: Mapping[str, str]) -> Lang:
    """The language of this run: the `--lang` option, else `FITN7_LANG`, else French.

    An empty `FITN7_LANG` counts as unset (a shell's `FITN7_LANG=` clears
    it); an unknown value, from either, raises `LangError`, which says the
    accepted values.
    """
    if option is not None:
        return _checked(option, "--lang")
    value = environ.get(ENV_VAR, "")
    if value.strip():
        return _checked(value, ENV_VAR)
    return LANGS[0]


def _checked(value: str, origin: str) -> Lang:
    # `FR` or ` en ` is a slip of the hand, not another language.
    normal = value.strip().lower()
    for lang in LANGS:
        if lang == normal:
            return lang
    raise LangError(value, origin)
