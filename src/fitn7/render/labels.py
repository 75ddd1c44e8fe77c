"""The one catalogue of the words fitn7 prints for people, French and English side by side.

Each message has one key and one entry holding both languages, so that a
wording is changed, or a language added, in one place. The English is the
wording fitn7 printed before it spoke French, kept so that `--lang en`
gives the same bytes as before; an outcome or status in English is the
stable identifier itself (`pass`, `eligible`), which is also what JSON and
TOML hold.

A label may have named fields (`{fields}`), the same in both languages,
filled by `label(key, lang, fields=...)`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import attrs

from fitn7.render.lang import Lang


@attrs.frozen
class Text:
    """One message in every language fitn7 speaks."""

    fr: str
    en: str

    def __getitem__(self, lang: Lang) -> str:
        return self.fr if lang == "fr" else self.en


#: Statuses of a decision (`Status`), by their stable identifier.
_STATUSES = {
    "status.eligible": Text("éligible", "eligible"),
    "status.review": Text("à revoir", "review"),
    "status.ineligible": Text("inéligible", "ineligible"),
    "status.incomplete": Text("incomplet", "incomplete"),
}

#: What the committee does with a dossier (`allocation.Outcome`).
_ALLOCATION = {
    "allocation.awarded": Text("retenu", "awarded"),
    "allocation.waitlisted": Text("en attente", "waitlisted"),
    "allocation.ineligible": Text("inéligible", "ineligible"),
    "allocation.review": Text("à revoir", "review"),
    "allocation.incomplete": Text("incomplet", "incomplete"),
    # Why a dossier waits (the `reason` of an allocated dossier).
    "waiting.envelope": Text("enveloppe épuisée", "envelope"),
    "waiting.no-amount": Text("aucun montant", "no-amount"),
    "waiting.no-session": Text("hors session", "no-session"),
    "waiting.limit": Text("limite {limit}", "limit:{limit}"),
    "waiting.limit-unknown": Text("limite {limit} invérifiable", "limit-unknown:{limit}"),
}

#: Outcomes of trace entries, by group of entry kinds (see `_GROUPS`): a `require`
#: that holds is satisfied, an `exclude` or `review` whose condition does not hold
#: has no effect (its `pass` never means the exclusion applied).
_OUTCOMES = {
    "outcome.require.pass": Text("satisfaite", "pass"),
    "outcome.require.fail": Text("non satisfaite", "fail"),
    "outcome.require.unknown": Text("indéterminée", "unknown"),
    "outcome.exclude.pass": Text("sans effet", "pass"),
    "outcome.exclude.fail": Text("appliquée", "fail"),
    "outcome.exclude.unknown": Text("indéterminée", "unknown"),
    "outcome.review.pass": Text("sans effet", "pass"),
    "outcome.review.review": Text("à revoir", "review"),
    "outcome.review.unknown": Text("indéterminée", "unknown"),
    "outcome.step.applied": Text("appliqué", "applied"),
    "outcome.step.not binding": Text("sans effet", "not binding"),
    "outcome.step.skipped": Text("non applicable", "skipped"),
    "outcome.step.unknown": Text("indéterminé", "unknown"),
    "outcome.minimum.pass": Text("atteint", "pass"),
    "outcome.minimum.fail": Text("non atteint", "fail"),
    "outcome.minimum.skipped": Text("non applicable", "skipped"),
    "outcome.minimum.unknown": Text("indéterminé", "unknown"),
    "outcome.presence.provided": Text("fourni", "provided"),
    "outcome.presence.missing": Text("manquant", "missing"),
    "outcome.presence.not required": Text("non requis", "not required"),
    "outcome.presence.unknown": Text("indéterminé", "unknown"),
    "outcome.score.skipped": Text("non applicable", "skipped"),
    "outcome.score.unknown": Text("indéterminé", "unknown"),
}

#: Kinds of trace entries and of policy declarations, as a reader names them.
_KINDS = {
    "kind.require": Text("condition", "require"),
    "kind.exclude": Text("exclusion", "exclude"),
    "kind.review": Text("examen", "review"),
    "kind.input": Text("donnée", "input"),
    "kind.document": Text("pièce", "document"),
    "kind.base": Text("base", "base"),
    "kind.forfait": Text("forfait", "forfait"),
    "kind.rate": Text("taux", "rate"),
    "kind.bonus": Text("bonus", "bonus"),
    "kind.cap": Text("plafond", "cap"),
    "kind.floor": Text("plancher", "floor"),
    "kind.ceiling": Text("cumul", "ceiling"),
    "kind.minimum": Text("minimum", "minimum"),
    "kind.part": Text("part", "part"),
    "kind.total": Text("total", "total"),
    "kind.score": Text("score", "score"),
    "kind.limit": Text("limite", "limit"),
    "kind.invariant": Text("invariant", "invariant"),
}

#: Column headers of tables (text, CSV, HTML, workbook).
_COLUMNS = {
    "column.session": Text("session", "session"),
    "column.rank": Text("rang", "rank"),
    "column.dossier": Text("dossier", "dossier"),
    "column.applicant": Text("porteur", "applicant"),
    "column.applicant_code": Text("code_porteur", "applicant_code"),
    "column.applicant_kind": Text("nature", "kind"),
    "column.population": Text("population", "population"),
    "column.joint": Text("projet_commun", "joint"),
    "column.requested": Text("montant demandé", "requested"),
    "column.proposed": Text("montant proposé", "proposed"),
    "column.amount": Text("montant", "amount"),
    "column.score": Text("score", "score"),
    "column.status": Text("statut", "status"),
    "column.outcome": Text("résultat", "outcome"),
    "column.reason": Text("motif", "reason"),
    "column.rule": Text("règle", "rule"),
    "column.kind": Text("type", "kind"),
    "column.read": Text("valeurs lues", "read"),
    "column.source": Text("source", "source"),
    "column.where": Text("emplacement", "where"),
}

#: Words and short phrases shared by the renderings.
_WORDS = {
    "word.score": Text("score", "score"),
    "word.missing": Text("manquant", "missing"),
    "word.trace": Text("détail", "trace"),
    "word.read": Text("lu", "read"),
    "word.absent": Text("absent", "absent"),
    "word.none": Text("aucun", "none"),
    "word.policy": Text("règlement", "policy"),
    "word.version": Text("version", "version"),
    "word.hash": Text("empreinte", "hash"),
    "word.date": Text("date", "date"),
    "word.envelope": Text("enveloppe", "envelope"),
    "word.awarded": Text("attribué", "awarded"),
    "word.remaining": Text("reste", "remaining"),
    "word.prior_awards": Text("aides déjà attribuées", "prior awards"),
    "word.params": Text("paramètres", "params"),
    "word.closes": Text("clôture", "closes"),
    "word.partners": Text("partenaires", "partners"),
    "word.warning": Text("avertissement", "warning"),
    "word.yes": Text("oui", "yes"),
    "word.no": Text("non", "no"),
    "title.summary": Text("synthèse", "summary"),
    "title.dossiers": Text("dossiers", "dossiers"),
    "title.explanation": Text("explication", "explanation"),
    "title.limits": Text("limites", "limits"),
    "title.rules": Text("règles", "rules"),
    "title.missing": Text("données manquantes", "missing data"),
    "title.citation": Text("texte source", "source text"),
    "title.no_session": Text(
        "hors session (déposé après la clôture de la dernière session, ou sans date de dépôt)",
        "no session (filed after the last session closed, or with no filing date)",
    ),
}

#: Every label, by key.
LABELS: Mapping[str, Text] = {
    **_STATUSES, **_ALLOCATION, **_OUTCOMES, **_KINDS, **_COLUMNS, **_WORDS,
}

#: The labels spelt the same in French and English: the words both languages share.
SAME_IN_BOTH = frozenset({
    "kind.base", "kind.forfait", "kind.bonus", "kind.minimum", "kind.part", "kind.total",
    "kind.score", "kind.invariant",
    "column.session", "column.dossier", "column.population", "column.score", "column.source",
    "word.score", "word.absent", "word.version", "word.date",
    "title.dossiers",
})

#: The group of outcomes each trace entry kind shares (`outcome.GROUP.OUTCOME`).
_GROUPS = {
    "require": "require",
    "exclude": "exclude",
    "review": "review",
    "minimum": "minimum",
    "input": "presence",
    "document": "presence",
    "score": "score",
    **dict.fromkeys(
        ("base", "forfait", "rate", "bonus", "cap", "floor", "ceiling", "part", "total"),
        "step",
    ),
}


def label(key: str, lang: Lang, **fields: Any) -> str:
    """The label `key` in `lang`, its `{fields}` filled when given.

    A key the catalogue lacks is a bug in fitn7 (`KeyError`), never bad input.
    """
    text = LABELS[key][lang]
    return text.format(**fields) if fields else text


def status_label(status: str | enum.Enum, lang: Lang) -> str:
    """A decision status for people: `éligible` (fr), `eligible` (en)."""
    value = status.value if isinstance(status, enum.Enum) else status
    return label(f"status.{value}", lang)


def allocation_label(outcome: str | enum.Enum, lang: Lang) -> str:
    """What the committee does with a dossier: `retenu` (fr), `awarded` (en)."""
    value = outcome.value if isinstance(outcome, enum.Enum) else outcome
    return label(f"allocation.{value}", lang)


def kind_label(kind: str, lang: Lang) -> str:
    """A trace entry's or declaration's kind for people: `exclusion` for `exclude`; a kind
    the catalogue does not know (a plugin's) as it is."""
    text = LABELS.get(f"kind.{kind}")
    return text[lang] if text is not None else kind


def outcome_label(kind: str, outcome: str, lang: Lang) -> str:
    """The outcome of a trace entry of `kind` for people.

    In French it depends on the kind: an `exclude` that `pass`es is `sans
    effet`, a `require` that does `satisfaite`, a cap `not binding` `sans
    effet`. In English it is the identifier itself. A score criterion's
    points (`+3`) and an outcome the catalogue does not know are shown as
    they are.
    """
    group = _GROUPS.get(kind)
    text = LABELS.get(f"outcome.{group}.{outcome}") if group is not None else None
    return text[lang] if text is not None else outcome
