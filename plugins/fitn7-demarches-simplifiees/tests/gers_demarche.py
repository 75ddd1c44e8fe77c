"""The Gers call's démarche and its five dossiers: the one source of the examples.

The same fictitious dossiers of real collectivités as fitn7-csv's Gers
example (names, SIRENs, populations from the INSEE register; providers and
amounts invented), on a form whose champs keep that example's labels. The
démarche's number and the champs' stable ids are invented.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from fake_ds import Champ, Commune, Demarche, Dossier

#: The plugin's examples: the four sources and their one mapping.
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MAPPING = EXAMPLES / "gers.mapping.toml"

DEPENSES = Champ(2380010, "Dépenses", "repetition", (
    Champ(2380011, "Nature de la dépense", "text"),
    Champ(2380012, "Catégorie", "drop_down"),
    Champ(2380013, "Montant HT (€)", "decimal"),
    Champ(2380014, "Prestataire", "text"),
    Champ(2380015, "SIRET du prestataire", "siret"),
    Champ(2380016, "Région du prestataire (code INSEE)", "text"),
))

CHAMPS = (
    Champ(2380001, "Intitulé du projet", "text"),
    Champ(2380002, "Orientations du bouquet de services", "multiple"),
    Champ(2380003, "Nombre de communes couvertes", "integer"),
    Champ(2380004, "Le projet a-t-il commencé ?", "yes_no"),
    Champ(2380005, "Démarche participative", "checkbox"),
    Champ(2380006, "Département", "departement"),
    Champ(2380007, "Commune du siège", "commune"),
    Champ(2380008, "Population municipale de la structure", "integer"),
    Champ(2380009, "Montant demandé (€)", "decimal"),
    DEPENSES,
    Champ(2380020, "Commune en ZRR (vérifié par l'instructeur)", "yes_no", annotation=True),
)

DEMAT = "Dématérialisation et simplification des démarches"
PARTICIPATION = "Participation du citoyen"
SECURITE = "Sécurisation des infrastructures"

MAUVEZIN = Commune("Mauvezin", "32249", "32120")
SEISSAN = Commune("Seissan", "32426", "32260")
AUCH = Commune("Auch", "32013", "32000")
CAZAUBON = Commune("Cazaubon", "32096", "32150")


def _line(label: str, category: str, amount: str, provider: str | None = None,
          siret: str | None = None, region: str | None = None) -> dict[int, object]:
    return {2380011: label, 2380012: category, 2380013: Decimal(amount), 2380014: provider,
            2380015: siret, 2380016: region}


def _at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


def _values(title: str, themes: list[str], covered: int, participatory: bool, commune: Commune,
            population: int, requested: str, lines: list[dict[int, object]],
            zrr: bool | None) -> dict[int, object]:
    return {2380001: title, 2380002: themes, 2380003: covered, 2380004: False,
            2380005: participatory, 2380006: "32", 2380007: commune, 2380008: population,
            2380009: Decimal(requested), 2380010: lines, 2380020: zrr}


CC, CA, COMMUNE = ("Communauté de communes", "Communauté d'agglomération",
                   "Commune et commune nouvelle")

DOSSIERS = (
    Dossier(4821337, "numerique@bastides-lomagne.fr", "200034726",
            "COMMUNAUTE DE COMMUNES BASTIDES DE LOMAGNE", CC, "7346", "en_instruction",
            _at("2021-06-01T10:12:44"), _at("2021-06-03T09:00:00"), _values(
                "Dématérialisation du courrier et des démarches des communes membres",
                [DEMAT, SECURITE], 41, True, MAUVEZIN, 11318, "24500.50", [
                    _line("Diagnostic des besoins des 41 communes", "Étude / diagnostic", "8000"),
                    _line("Développement du bouquet de services", "Développement", "12000",
                          "Gascogne Numérique", "12345678900060", "76"),
                    _line("Formation des secrétaires de mairie", "Formation", "4500.50",
                          "Gascogne Informatique", "12345678900029", "76"),
                ], True)),
    Dossier(4821402, "dgs@valdegers.fr", "200072320", "COMMUNAUTE DE COMMUNES VAL DE GERS", CC,
            "7346", "en_instruction", _at("2021-06-15T16:40:02"), _at("2021-06-17T11:20:00"),
            _values("Portail citoyen mutualisé et budget participatif", [PARTICIPATION], 42,
                    True, SEISSAN, 9783, "18000", [
                        _line("Diagnostic des usages numériques des communes",
                              "Étude / diagnostic", "6000", "Territoires Conseil",
                              "12345678900078", "76"),
                        _line("Accompagnement des communes au budget participatif",
                              "Accompagnement", "9000", "Civic Lab", "12345678900086", "11"),
                        _line("Formation des agents et des élus", "Formation", "3000",
                              "Gascogne Informatique", "12345678900029", "76"),
                    ], False)),
    Dossier(4822019, "mairie@ville-auch.fr", "213200132", "COMMUNE D'AUCH", COMMUNE, "7210",
            "en_instruction", _at("2021-06-18T08:55:31"), _at("2021-06-21T14:05:00"),
            _values("Gestion de la relation citoyen de la ville", [DEMAT], 1, True, AUCH, 22428,
                    "15000", [
                        _line("Étude des parcours usagers", "Étude / diagnostic", "5000",
                              "Territoires Conseil", "12345678900078", "76"),
                        _line("Paramétrage de la gestion de la relation citoyen",
                              "Développement", "7000", "Éditeur GRC", "12345678900094", "84"),
                        _line("Formation des agents d'accueil", "Formation", "3000",
                              "Gascogne Informatique", "12345678900029", "76"),
                    ], False)),
    Dossier(4822315, "contact@grand-armagnac.fr", "243200458",
            "COMMUNAUTE DE COMMUNES DU GRAND ARMAGNAC", CC, "7346", "en_construction",
            _at("2021-06-25T17:31:09"), None, _values(
                "Sécurisation des systèmes d'information des mairies", [SECURITE], 25, False,
                CAZAUBON, 13441, "30000", [
                    _line("Audit de sécurité des mairies", "Étude / diagnostic", "10000",
                          "Occitanie Cyber", "12345678900102", "76"),
                    _line("Sensibilisation et formation à la cybersécurité", "Formation",
                          "5000", "Occitanie Cyber", "12345678900102", "76"),
                    _line("Pare-feux pour les mairies", "Matériel", "15000",
                          "Réseaux du Sud-Ouest", "12345678900110", "76"),
                ], None)),
    Dossier(4822790, "numerique@grand-auch.fr", "200066926",
            "COMMUNAUTE D'AGGLOMERATION GRAND AUCH COEUR DE GASCOGNE", CA, "7348",
            "en_instruction", _at("2021-06-20T12:02:17"), _at("2021-06-22T10:30:00"), _values(
                "Cybersécurité des communes de l'agglomération", [SECURITE], 34, True, AUCH,
                39498, "22000", [
                    _line("Audit de sécurité des systèmes d'information", "Étude / diagnostic",
                          "12000", "Occitanie Cyber", "12345678900102", "76"),
                    _line("Déploiement d'une sauvegarde mutualisée", "Ingénierie", "10000",
                          "Réseaux du Sud-Ouest", "12345678900110", "76"),
                ], False)),
)

GERS = Demarche(
    41234, "Bouquet de services numériques mutualisés pour les communes du Gers", CHAMPS,
    DOSSIERS,
)

#: The decisions the Gers policy gives the five dossiers, from every source.
EXPECTED = {
    "4821337": ("eligible", "24500.50"),
    "4821402": ("eligible", "18000.00"),
    "4822019": ("ineligible", None),
    "4822315": ("ineligible", None),
    "4822790": ("ineligible", None),
}


def many(count: int) -> Demarche:
    """`count` dossiers shaped like the five, numbered from 5 000 000 (for the benchmark)."""
    dossiers = []
    for i in range(count):
        model = DOSSIERS[i % len(DOSSIERS)]
        dossiers.append(Dossier(
            5_000_000 + i, model.email, model.siren, model.raison_sociale, model.forme_juridique,
            model.forme_juridique_code, model.state, model.deposited, model.instruction,
            {**model.values, 2380010: list(model.values[2380010])[:3]},
        ))
    return Demarche(GERS.number, GERS.title, CHAMPS, tuple(dossiers))
