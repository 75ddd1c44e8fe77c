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

#: The call's notice (`fitn7 doc`).
_NOTICE = {
    "notice.kicker": Text("appel à projets : notice", "call for projects: notice"),
    "notice.who": Text("Qui peut déposer", "Who may apply"),
    "notice.territory": Text("Territoire", "Territory"),
    "notice.calendar": Text("Calendrier et sessions", "Calendar and sessions"),
    "notice.conditions": Text("Conditions d'éligibilité", "Eligibility conditions"),
    "notice.exclusions": Text("Exclusions", "Exclusions"),
    "notice.review": Text("Points examinés au cas par cas", "Points reviewed case by case"),
    "notice.review_note": Text(
        "Un dossier concerné n'est pas refusé : il est « à revoir » par le comité.",
        "A dossier concerned is not refused: the committee reviews it.",
    ),
    "notice.expenses": Text("Dépenses éligibles", "Eligible expenses"),
    "notice.amount": Text("Montant de l'aide", "Amount of the grant"),
    "notice.amount_note": Text(
        "Les étapes s'appliquent dans cet ordre ; l'aide ne dépasse jamais l'assiette des "
        "dépenses éligibles ni le montant demandé, et elle est arrondie au centime.",
        "The steps apply in this order; the grant is never more than the eligible expenses "
        "nor the amount requested, and is rounded to the cent.",
    ),
    "notice.score": Text("Critères de sélection", "Selection criteria"),
    "notice.score_note": Text(
        "Les dossiers éligibles d'une session sont classés par score (la somme des points des "
        "critères remplis), puis par date de dépôt.",
        "The eligible dossiers of a session are ranked by score (the sum of the points of "
        "the criteria met), then by filing date.",
    ),
    "notice.limits": Text("Limites", "Limits"),
    "notice.limits_note": Text(
        "Le comité les applique en retenant les dossiers dans l'ordre du classement.",
        "The committee applies them as it awards the dossiers in ranking order.",
    ),
    "notice.documents": Text("Pièces à fournir", "Documents to provide"),
    "notice.inputs": Text("Informations à déclarer", "Information to declare"),
    "notice.params": Text("Paramètres du règlement", "Parameters of the policy"),
    "notice.promises": Text("Engagements du règlement", "What the policy guarantees"),
    "notice.value": Text("valeur", "value"),
    "notice.condition": Text("règle", "rule"),
    "notice.when": Text("s'applique quand", "applies when"),
    "notice.where": Text("compte les dossiers où", "counts the dossiers where"),
    "notice.closes": Text("Date limite de dépôt", "Last filing day"),
    "notice.categories_counted": Text("Dépenses retenues", "Expenses counted"),
    "notice.categories_not_counted": Text("Dépenses non retenues", "Expenses not counted"),
    "notice.basis_ht": Text("Les dépenses sont retenues hors taxes (HT).",
                            "Expenses count without VAT."),
    "notice.basis_ttc": Text("Les dépenses sont retenues toutes taxes comprises (TTC).",
                             "Expenses count with VAT."),
    "notice.basis_ttc_net": Text(
        "Les dépenses sont retenues TTC, hors TVA récupérée (ou compensée par le FCTVA).",
        "Expenses count with VAT, less the VAT recovered (or covered by the FCTVA).",
    ),
    "notice.param_value": Text("{value} (paramètre {name})", "{value} (param {name})"),
    "notice.limit_value": Text("au plus {count} dossier(s) retenu(s) par {per}",
                               "at most {count} award(s) per {per}"),
    "notice.input_required": Text("obligatoire ({type})", "required ({type})"),
    "notice.input_optional": Text("facultative ({type})", "optional ({type})"),
    "notice.input_default": Text(", {default} si absente", ", {default} when absent"),
    "notice.ceiling_value": Text("au plus {share} de {cost}", "at most {share} of {cost}"),
    "notice.ceiling_minus": Text(", moins {other}", ", less {other}"),
    "notice.band_below": Text("moins de {high}", "below {high}"),
    "notice.band_between": Text("de {low} à moins de {high}", "from {low} to below {high}"),
    "notice.band_from": Text("{low} et plus", "{low} and more"),
    "notice.band_otherwise": Text("autres cas", "otherwise"),
    "notice.footer": Text(
        "Notice établie par fitn7 à partir du règlement {policy}, version {version}, dont "
        "découlent aussi les décisions :",
        "Notice made by fitn7 from policy {policy}, version {version}, which the decisions "
        "also come from:",
    ),
}

#: Labels spelt the same in both languages (see `fitn7.render.labels.SAME_IN_BOTH`).
SAME_IN_BOTH = frozenset({"report.date_given", "report.message", "notice.exclusions"})

#: Every label of the report and the notice, by key.
REPORT_LABELS: Mapping[str, Text] = {**_REPORT, **_NOTICE}


def report_label(key: str, lang: Lang, **fields: Any) -> str:
    """The label `key` of this catalogue, else of `fitn7.render.labels`, in `lang`."""
    text = REPORT_LABELS.get(key)
    if text is None:
        return label(key, lang, **fields)
    return text[lang].format(**fields) if fields else text[lang]
