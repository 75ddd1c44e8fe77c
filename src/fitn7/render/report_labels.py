"""The words of the committee report and of the call's notice, French and English.

Kept apart from `fitn7.render.labels` while both are written on separate
branches; each entry has the shape of that catalogue's (`Text`), and
`report_label` reads this one first, then that one, so that a key can move
there without any template changing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fitn7.render.labels import Text, label
from fitn7.render.lang import Lang

#: The committee report (`fitn7 report`).
_REPORT = {
    "report.title": Text("rapport au comité de sélection", "selection committee report"),
    "report.date_given": Text("date", "date"),
    "report.date_filed": Text("dossiers déposés jusqu'au", "dossiers filed until"),
    "report.decisions_mode": Text(
        "Le règlement ne prévoit ni session ni limite : le rapport présente les décisions, et "
        "le montant proposé est celui de chaque dossier éligible.",
        "The policy has no session nor limit: the report shows the decisions, and the "
        "amount proposed is each eligible dossier's.",
    ),
    "report.share_used": Text("part de l'enveloppe consommée", "share of the envelope used"),
    "report.unlimited": Text("illimitée", "unlimited"),
    "report.proposed": Text("Montant proposé", "Amount proposed"),
    "report.gauge_label": Text("enveloppe consommée : {share}", "envelope used: {share}"),
    "report.gauge_caption": Text(
        "{used} sur {envelope} ({share} de l'enveloppe), aides déjà attribuées comprises",
        "{used} of {envelope} ({share} of the envelope), prior awards included",
    ),
    "report.counts": Text(
        "Dossiers par résultat et par session", "Dossiers by outcome and session"
    ),
    "report.no_session_short": Text("hors session", "no session"),
    "report.all": Text("Total", "All"),
    "report.dossiers_by_session": Text("Dossiers par session", "Dossiers by session"),
    "report.session_total": Text("Total proposé", "Total proposed"),
    "report.no_dossier": Text("Aucun dossier.", "No dossier."),
    "report.limits_applied": Text("Limites appliquées", "Limits applied"),
    "report.held_by": Text("déjà retenu : {dossiers}", "already awarded: {dossiers}"),
    "report.limit_moved_none": Text(
        "Cette limite n'a mis aucun dossier en attente.", "This limit held no dossier back."
    ),
    "report.explanations": Text("Explication dossier par dossier", "Each dossier explained"),
    "report.project": Text("Projet", "Project"),
    "report.submitted": Text("Déposé le", "Filed"),
    "report.computed": Text("Montant calculé", "Amount computed"),
    "report.file": Text("Fichier", "File"),
    "report.reasons": Text("Motifs", "Reasons"),
    "report.rule_by_rule": Text("Règle par règle", "Rule by rule"),
    "report.footer": Text(
        "Rapport établi par fitn7 à partir du règlement {policy}, version {version} :",
        "Report made by fitn7 from policy {policy}, version {version}:",
    ),
    "report.why_missing": Text("manquant : {fields}", "missing {fields}"),
    "report.why_more": Text(" (+{n} autre(s))", " (+{n} more)"),
    "report.with_partners": Text(" + {n} partenaire(s)", " + {n} partner(s)"),
    "report.colon": Text(" : ", ": "),
    "report.sheet_summary": Text("Synthèse", "Summary"),
    "report.sheet_rules": Text("Règles", "Rules"),
    "report.sheet_limits": Text("Limites", "Limits"),
    "report.applicant_code": Text("code du porteur", "applicant code"),
    "report.message": Text("message", "message"),
    "report.moved": Text("Dossier mis en attente", "Dossier held back"),
    "report.held_by_column": Text("Déjà retenus", "Already awarded"),
    "report.count_column": Text("Nombre", "Count"),
    "report.value_column": Text("Valeur", "Value"),
}

#: Labels spelt the same in both languages (see `fitn7.render.labels.SAME_IN_BOTH`).
SAME_IN_BOTH = frozenset({"report.date_given", "report.message"})

#: Every label of the report and the notice, by key.
REPORT_LABELS: Mapping[str, Text] = {**_REPORT}


def report_label(key: str, lang: Lang, **fields: Any) -> str:
    """The label `key` of this catalogue, else of `fitn7.render.labels`, in `lang`."""
    text = REPORT_LABELS.get(key)
    if text is None:
        return label(key, lang, **fields)
    return text[lang].format(**fields) if fields else text[lang]
