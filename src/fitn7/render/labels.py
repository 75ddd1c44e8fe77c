"""The one catalogue of the words fitn7 prints for people, French and English side by side.

Each message has one key and one entry holding both languages, so that a
wording is changed, or a language added, in one place. The English is the
wording fitn7 printed before it spoke French, kept so that `--lang en`
gives the same words as before (its amounts and dates are now written the
English way, by `fitn7.render.formats`); an outcome or status in English is
the stable identifier itself (`pass`, `eligible`), which is also what JSON
and TOML hold.

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

#: What `fitn7 allocate` prints around its tables (`fitn7.render.allocation`).
_ALLOCATION_TEXT = {
    "allocation.title": Text("{policy} — répartition proposée au comité",
                             "{policy} — committee allocation"),
    "allocation.params": Text("paramètres : {params}", "params: {params}"),
    "allocation.session": Text("{session}{closes} · attribué {awarded} ({counts})",
                               "{session}{closes} · awarded {awarded} ({counts})"),
    "allocation.closes": Text(" · clôture le {date}", " · closes {date}"),
    "allocation.joint": Text("{applicant} + partenaires", "{applicant} + partners"),
    "allocation.missing": Text("manquant : {fields}", "missing {fields}"),
    "allocation.none": Text("aucun dossier à répartir", "no dossier to allocate"),
    "allocation.prior": Text(" · aides déjà attribuées {amount} ({count})",
                             " · prior awards {amount} ({count})"),
    "allocation.unlimited": Text(
        "enveloppe illimitée (aucune dans le règlement, aucune donnée){prior} · "
        "attribué {awarded}",
        "envelope unlimited (none in the policy, none given){prior} · awarded {awarded}"),
    "allocation.envelope": Text(
        "enveloppe {envelope}{prior} · attribué {awarded} · reste {remaining}",
        "envelope {envelope}{prior} · awarded {awarded} · remaining {remaining}"),
    "allocation.warning": Text("avertissement : {warning}", "warning: {warning}"),
    "count.awarded.one": Text("{n} retenu", "{n} awarded"),
    "count.awarded.many": Text("{n} retenus", "{n} awarded"),
    "count.waitlisted.one": Text("{n} en attente", "{n} waitlisted"),
    "count.waitlisted.many": Text("{n} en attente", "{n} waitlisted"),
}

#: The headers of the allocation's CSV: for people, so in their language, and one word
#: each so that a script can still name a column.
_CSV = {
    "csv.session": Text("session", "session"),
    "csv.rank": Text("rang", "rank"),
    "csv.dossier": Text("dossier", "dossier"),
    "csv.applicant_code": Text("code_porteur", "applicant_code"),
    "csv.applicant": Text("porteur", "applicant"),
    "csv.joint": Text("projet_commun", "joint"),
    "csv.score": Text("score", "score"),
    "csv.amount": Text("montant", "amount"),
    "csv.outcome": Text("résultat", "outcome"),
    "csv.reason": Text("motif", "reason"),
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
    "kind.band": Text("tranche", "band"),
}

#: Column headers of tables (text, CSV, HTML, workbook).
_COLUMNS = {
    "column.session": Text("session", "session"),
    "column.rank": Text("rang", "rank"),
    "column.dossier": Text("dossier", "dossier"),
    "column.applicant": Text("porteur", "applicant"),
    "column.applicant_kind": Text("nature", "kind"),
    "column.population": Text("population", "population"),
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

#: What `fitn7 eval` prints around the decisions (`fitn7.render.decision`).
_DECISION = {
    "decision.missing": Text("manquant : {fields}", "missing: {fields}"),
    "decision.none": Text("aucun dossier évalué", "no dossier evaluated"),
    "decision.trace": Text("détail :", "trace:"),
    "decision.read": Text("lu : {reads}", "read {reads}"),
}

#: What `fitn7 diff` prints (`fitn7.render.audit`).
_DIFF = {
    "diff.section.policy": Text("règlement", "policy"),
    "diff.section.params": Text("paramètres", "params"),
    "diff.section.let": Text("valeurs nommées (let)", "named values (let)"),
    "diff.section.sessions": Text("sessions de comité", "sessions"),
    "diff.section.categories": Text("catégories de dépenses", "expense categories"),
    "diff.section.inputs": Text("informations demandées (input)", "inputs"),
    "diff.section.documents": Text("pièces justificatives", "documents"),
    "diff.section.expenses": Text("dépenses retenues", "expenses"),
    "diff.section.rules": Text("règles d'éligibilité", "eligibility rules"),
    "diff.section.amount": Text("montant", "amount"),
    "diff.section.score": Text("notation (score)", "score"),
    "diff.section.limits": Text("limites", "limits"),
    "diff.section.invariants": Text("invariants", "invariants"),
    "diff.no_change": Text("aucun changement de sens", "no semantic change"),
    "diff.summary": Text("{changes} : {parts}", "{changes}: {parts}"),
    "diff.none": Text("(aucun)", "(none)"),
    "diff.value": Text("valeur", "value"),
    "diff.was": Text("avant", "was"),
    "diff.now": Text("après", "now"),
    "diff.added": Text("ajouté", "added"),
    "diff.removed": Text("supprimé", "removed"),
    "diff.renamed": Text("{old} renommé en {new}", "{old} renamed to {new}"),
    "count.changes.one": Text("{n} changement", "{n} change"),
    "count.changes.many": Text("{n} changements", "{n} changes"),
    "count.added.one": Text("{n} ajouté", "{n} added"),
    "count.added.many": Text("{n} ajoutés", "{n} added"),
    "count.removed.one": Text("{n} supprimé", "{n} removed"),
    "count.removed.many": Text("{n} supprimés", "{n} removed"),
    "count.changed.one": Text("{n} modifié", "{n} changed"),
    "count.changed.many": Text("{n} modifiés", "{n} changed"),
    "count.renamed.one": Text("{n} renommé", "{n} renamed"),
    "count.renamed.many": Text("{n} renommés", "{n} renamed"),
}

#: What `fitn7 diff --impact` and `--allocate` print (`fitn7.render.audit`).
_IMPACT = {
    "impact.title": Text("effet sur {dossiers} : {decisions}", "impact on {dossiers}: {decisions}"),
    "impact.total": Text("total (éligibles et à revoir) : {before} → {after} ({delta})",
                         "total (eligible and review): {before} → {after} ({delta})"),
    "impact.reasons": Text("motifs : {before} → {after}", "reasons: {before} → {after}"),
    "impact.causes": Text("à cause de : {causes}", "because of: {causes}"),
    "committee.title": Text("comité : {outcomes}", "committee: {outcomes}"),
    "committee.awarded": Text("attribué : {before} → {after} ({delta})",
                              "awarded: {before} → {after} ({delta})"),
    "committee.remaining": Text("enveloppe restante : {before} → {after}",
                                "envelope left: {before} → {after}"),
    "committee.waiting": Text("en attente : {before} → {after}", "waiting: {before} → {after}"),
    "committee.not_waiting": Text("(non)", "(no)"),
    "count.dossiers.one": Text("{n} dossier", "{n} dossier"),
    "count.dossiers.many": Text("{n} dossiers", "{n} dossiers"),
    "count.decisions_change.one": Text("{n} décision change", "{n} decision changes"),
    "count.decisions_change.many": Text("{n} décisions changent", "{n} decisions change"),
    "count.outcomes_change.one": Text("{n} résultat change", "{n} outcome changes"),
    "count.outcomes_change.many": Text("{n} résultats changent", "{n} outcomes change"),
}

#: What `fitn7 replay` prints (`fitn7.render.audit`).
_REPLAY = {
    "replay.title": Text("{decisions} avec {policy} : {reproduced}, {bad} non",
                         "replayed {decisions} against {policy}: {reproduced}, {bad} did not"),
    "replay.reproduced": Text("reproduite", "reproduced"),
    "replay.differs": Text("NE SE REPRODUIT PAS", "DOES NOT REPRODUCE"),
    "replay.values": Text("enregistré {recorded}, rejoué {replayed}",
                          "recorded {recorded}, replayed {replayed}"),
    "replay.note": Text("remarque : {note}", "note: {note}"),
    "replay.absent": Text("(absent)", "(absent)"),
    "replay.no_id": Text("(sans id)", "(no id)"),
    "replay.bad_id": Text("(id {id}, pas un texte)", "(id {id}, not a string)"),
    "replay.replayed_only": Text("seulement au rejeu", "replayed only"),
    "replay.recorded_only": Text("seulement à l'enregistrement", "recorded only"),
    "replay.more": Text("… et {more} de plus (voir --format json)",
                        "… and {more} more (see --format json)"),
    "count.decisions_replayed.one": Text("{n} décision rejouée", "{n} decision"),
    "count.decisions_replayed.many": Text("{n} décisions rejouées", "{n} decisions"),
    "count.reproduced.one": Text("{n} reproduite", "{n} reproduced"),
    "count.reproduced.many": Text("{n} reproduites", "{n} reproduced"),
    "count.entries.one": Text("{n} entrée", "{n} entries"),
    "count.entries.many": Text("{n} entrées", "{n} entries"),
}

#: What `fitn7 test` prints (`fitn7.cli.testing`, `fitn7.examples`, `fitn7.coverage.report`).
_TEST = {
    "test.pass": Text("OK", "PASS"),
    "test.fail": Text("ÉCHEC", "FAIL"),
    "test.summary": Text("{passed}, {failed}", "{passed}, {failed}"),
    "test.no_examples": Text("remarque : {file} : aucun exemple (cherchés dans {folder}/)",
                             "note: {file}: no examples (looked in {folder}/)"),
    "test.below": Text("couverture inférieure à {percent}", "coverage below {percent}"),
    "count.passed.one": Text("{n} réussi", "{n} passed"),
    "count.passed.many": Text("{n} réussis", "{n} passed"),
    "count.failed.one": Text("{n} en échec", "{n} failed"),
    "count.failed.many": Text("{n} en échec", "{n} failed"),
    "example.status": Text("le statut est `{got}`, `{expected}` attendu",
                           "status is `{got}`, expected `{expected}`"),
    "example.bad_amount": Text("le montant attendu `{expected}` n'est pas un montant",
                               "expected amount `{expected}` is not an amount"),
    "example.amount": Text("le montant est `{got}`, `{expected}` attendu",
                           "amount is `{got}`, expected `{expected}`"),
    "example.score": Text("le score est `{got}`, `{expected}` attendu",
                          "score is `{got}`, expected `{expected}`"),
    "example.reasons": Text("les motifs sont {got}, {expected} attendus",
                            "reasons are {got}, expected {expected}"),
    "example.missing": Text("les données manquantes sont {got}, {expected} attendues",
                            "missing is {got}, expected {expected}"),
    "coverage.summary": Text(
        "{file} : {percent} ({covered}/{total} issues, {examples})",
        "{file}: {percent} ({covered}/{total} outcomes, {examples})"),
    "coverage.never": Text("jamais", "never"),
    "coverage.line.impossible": Text("impossible (prouvé, non compté) : {names}",
                                "cannot happen (proved, not counted): {names}"),
    "coverage.line.undetermined": Text("vu indéterminé (non compté) : {names}",
                                  "seen undetermined (not counted): {names}"),
    "coverage.outcome.holds": Text("vraie", "holds"),
    "coverage.outcome.fails": Text("fausse", "fails"),
    "coverage.outcome.undetermined": Text("indéterminée", "undetermined"),
    "coverage.outcome.applied": Text("appliqué", "applied"),
    "coverage.outcome.binds": Text("effectif", "binds"),
    "coverage.outcome.reached": Text("atteinte", "reached"),
    "coverage.outcome.pass": Text("atteint", "pass"),
    "coverage.outcome.fail": Text("non atteint", "fail"),
    "coverage.outcome.scores": Text("compte", "scores"),
    "count.examples.one": Text("{n} exemple", "{n} examples"),
    "count.examples.many": Text("{n} exemples", "{n} examples"),
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
    **_STATUSES, **_ALLOCATION, **_ALLOCATION_TEXT, **_CSV, **_OUTCOMES, **_KINDS,
    **_COLUMNS, **_DECISION, **_DIFF, **_IMPACT, **_REPLAY, **_TEST, **_WORDS,
}

#: The labels spelt the same in French and English: the words both languages share.
SAME_IN_BOTH = frozenset({
    "kind.base", "kind.forfait", "kind.bonus", "kind.minimum", "kind.part", "kind.total",
    "kind.score", "kind.invariant",
    "csv.session", "csv.dossier", "csv.score",
    "column.session", "column.dossier", "column.population", "column.score", "column.source",
    "word.score", "word.absent", "word.version", "word.date",
    "title.dossiers", "diff.section.invariants", "replay.absent", "count.dossiers.one",
    "count.dossiers.many", "test.summary",
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


#: The kinds of entries a decision's trace holds.
TRACE_KINDS = tuple(_GROUPS)


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


def count_label(key: str, n: int, lang: Lang) -> str:
    """`{n} retenu` or `{n} retenus`: the label `key.one` or `key.many` for `n` things
    (0 and 1 take the singular in French)."""
    one = abs(n) <= 1 if lang == "fr" else abs(n) == 1
    return label(f"{key}.{'one' if one else 'many'}", lang, n=n)


def waiting_label(reason: str, lang: Lang) -> str:
    """Why an allocated dossier waits, from its stable reason (`envelope`, `limit:ID`):
    the reason itself in English, words in French."""
    code, _, limit = reason.partition(":")
    text = LABELS.get(f"waiting.{code}")
    if text is None:
        return reason
    return text[lang].format(limit=limit)


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
