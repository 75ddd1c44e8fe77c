"""The rendering layer: every word and number fitn7 shows to people, in one place.

Decisions, traces, allocations, diffs, impacts, replays and reports are
rendered for people in French by default, in English on request
(`--lang en`, `FITN7_LANG=en`). This package holds what those renderings
share:

- `lang`: which language a run speaks (`choose_lang`);
- `labels`: the one catalogue of words and phrases, French and English side by
  side (`label`, `status_label`, `outcome_label`);
- `formats`: money, dates, percentages and whole numbers as each language
  writes them (`money`, `date`, `percent`, `integer`);
- `toml`: JSON-like data made ready for TOML.

What other tools read (JSON and TOML keys, enum values such as `eligible`)
is an API and never goes through this layer: it stays the same English
identifiers whatever the language.
"""

from fitn7.render.formats import date, integer, money, percent
from fitn7.render.labels import label, outcome_label, status_label
from fitn7.render.lang import LANGS, Lang, LangError, choose_lang

__all__ = [
    "LANGS",
    "Lang",
    "LangError",
    "choose_lang",
    "date",
    "integer",
    "label",
    "money",
    "outcome_label",
    "percent",
    "status_label",
]
