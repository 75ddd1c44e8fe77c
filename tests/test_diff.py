"""The semantic diff: one edit per change of meaning, named by a path, in canonical text."""

from __future__ import annotations

from pathlib import Path

from fitn7 import format_policy, parse_policy
from fitn7.audit import Added, Changed, Removed, Renamed, diff
from fitn7.resolve import load_resolved

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "diff"

BASE = '''policy "fitn7-test"
  title    "Test"
  version  "1"
  envelope 100_000 €

param seuil = 10_000
let zone = {"04", "05"}

session "vague 1" closes 2021-05-30
session "vague 2" closes 2021-08-15

require territoire: applicant.departement in zone
  "Le porteur doit être dans la zone"
  source "aap.txt, §1"

exclude urbanisme: "urbanisme" in project.tags
  "L'urbanisme est exclu"
  source "aap.txt, §5"

review participatif: not project.participatory
  "Méthode participative attendue"

expenses ineligible {personnel, materiel}

amount
  forfait forfait_commune: by applicant.population when applicant.kind == commune
    below 5_000                : 5_000 €
    from 5_000 below 20_000    : 10_000 €
    otherwise                  : 15_000 €
    "Forfait communal"
  forfait forfait_epci: 20_000 € when applicant.kind in {cc, ca}
  bonus bonus_zrr: +10% when applicant.zrr
  cap plafond_commune: 30_000 € when applicant.kind == commune and not joint
    "Un plafond de 30 000 € pour une commune seule"
    source "aap.txt, §5"
  floor plancher: 1_000 €

score
  inclusion: +2 when "inclusion" in project.tags
  ruralite: +1 when applicant.zrr

limit une_victoire: at most 1 award per applicant where not joint

invariant plafond: amount <= 30_000 €
'''


def parse(text: str, name: str = "test.fitn7"):
    return parse_policy(text, name)


def edit(old: str, new: str) -> str:
    """BASE with one replacement; fails loudly if the text to replace is not there."""
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def changes(new_text: str, old_text: str = BASE):
    return diff(parse(old_text, "old.fitn7"), parse(new_text, "new.fitn7")).edits


# ------------------------------------------------------------ no change


def test_same_policy_has_no_change():
    """A policy compared with itself gives an empty diff, which is falsy."""
    d = diff(parse(BASE), parse(BASE))
    assert d.edits == ()
    assert not d
    assert len(d) == 0


def test_layout_and_comments_are_no_change():
    """Reformatting and adding comments change nothing the diff reports."""
    messy = "# un commentaire\n" + BASE.replace("param seuil = 10_000",
                                                "param   seuil=10000  # ici")
    assert changes(messy) == ()
    assert changes(format_policy(parse(BASE))) == ()


def test_moved_rule_is_no_change():
    """Moving a rule, a param, a session or a criterion elsewhere in the file is no change."""
    text = edit('review participatif: not project.participatory\n'
                '  "Méthode participative attendue"\n', "")
    text = text.replace("param seuil = 10_000\n",
                        'review participatif: not project.participatory\n'
                        '  "Méthode participative attendue"\n\nparam seuil = 10_000\n')
    text = text.replace('  inclusion: +2 when "inclusion" in project.tags\n'
                        '  ruralite: +1 when applicant.zrr\n',
                        '  ruralite: +1 when applicant.zrr\n'
                        '  inclusion: +2 when "inclusion" in project.tags\n')
    assert text != BASE
    assert changes(text) == ()


# --------------------------------------------------------------- header


def test_header_changes():
    """Version and envelope changes are `header.*` edits with old and new values."""
    text = edit('version  "1"', 'version  "2"').replace("envelope 100_000 €", "envelope 150_000 €")
    assert changes(text) == (
        Changed("header.version", "1", "2", "header"),
        Changed("header.envelope", "100_000 €", "150_000 €", "header"),
    )


def test_uses_added_and_removed():
    """Each plugin added to or removed from `uses` is its own edit."""
    old = edit('version  "1"', 'version  "1"\n  uses     "fitn7_zrr"')
    new = edit('version  "1"', 'version  "1"\n  uses     "fitn7_qpv"')
    assert changes(new, old) == (
        Added("header.uses.fitn7_qpv", "fitn7_qpv", "header"),
        Removed("header.uses.fitn7_zrr", "fitn7_zrr", "header"),
    )


# ------------------------------------------------ params, lets, sessions


def test_param_let_and_session_values():
    """A param default, a let value and a session date changed are one edit each."""
    text = (edit("param seuil = 10_000", "param seuil = 15_000")
            .replace('let zone = {"04", "05"}', 'let zone = {"04", "05", "06"}')
            .replace('session "vague 2" closes 2021-08-15', 'session "vague 2" closes 2021-08-31'))
    assert changes(text) == (
        Changed("param.seuil", "10_000", "15_000", "param"),
        Changed("let.zone", '{"04", "05"}', '{"04", "05", "06"}', "let"),
        Changed('session."vague 2"', "2021-08-15", "2021-08-31", "session"),
    )


def test_param_added_removed_and_renamed():
    """A new param is added, a param gone is removed, one with a new name only is renamed."""
    text = edit("param seuil = 10_000", "param seuil_population = 10_000\nparam max_projets = 2")
    assert changes(text) == (
        Renamed("param.seuil", "param.seuil_population", "param"),
        Added("param.max_projets", "param max_projets = 2", "param"),
    )
    assert changes(BASE, text) == (
        Renamed("param.seuil_population", "param.seuil", "param"),
        Removed("param.max_projets", "param max_projets = 2", "param"),
    )


# ---------------------------------------------------------------- rules


def test_rule_condition_message_and_source_changed():
    """A changed rule gives one edit per field, in canonical form, with its label and source."""
    text = edit('require territoire: applicant.departement in zone\n'
                '  "Le porteur doit être dans la zone"\n  source "aap.txt, §1"',
                'require territoire: applicant.departement in zone or applicant.region=="93"\n'
                '  "Le porteur doit être dans la zone ou la région"\n  source "aap.txt, §1 et §2"')
    assert changes(text) == (
        Changed("rule.territoire.condition", "applicant.departement in zone",
                'applicant.departement in zone or applicant.region == "93"', "require",
                "Le porteur doit être dans la zone ou la région", "aap.txt, §1 et §2"),
        Changed("rule.territoire.message", "Le porteur doit être dans la zone",
                "Le porteur doit être dans la zone ou la région", "require",
                "Le porteur doit être dans la zone ou la région", "aap.txt, §1 et §2"),
        Changed("rule.territoire.source", "aap.txt, §1", "aap.txt, §1 et §2", "require",
                "Le porteur doit être dans la zone ou la région", "aap.txt, §1 et §2"),
    )


def test_rule_kind_changed():
    """A `review` that becomes a `require` is a change of `kind`."""
    text = edit("review participatif: not project.participatory",
                "require participatif: not project.participatory")
    [change] = changes(text)
    assert (change.path, change.old, change.new) == ("rule.participatif.kind", "review", "require")


def test_rule_added_and_removed():
    """An added rule carries its whole canonical text, label and source; so does a removed one."""
    rule = ('exclude archivage: "archivage" in project.tags\n'
            '  "L\'archivage relève de l\'axe 2"\n  source "aap.txt, §5"\n')
    text = BASE + "\n" + rule
    added = Added("rule.archivage", rule.rstrip("\n"), "exclude", "L'archivage relève de l'axe 2",
                  "aap.txt, §5")
    assert changes(text) == (added,)
    assert changes(BASE, text) == (
        Removed("rule.archivage", added.new, "exclude", added.label, added.source),
    )


def test_rule_renamed_with_same_body():
    """A rule with a new id and the same body is one rename, not a removal and an addition."""
    text = edit("exclude urbanisme:", "exclude urbanisme_exclu:")
    assert changes(text) == (
        Renamed("rule.urbanisme", "rule.urbanisme_exclu", "exclude", "L'urbanisme est exclu",
                "aap.txt, §5"),
    )


def test_rule_renamed_and_changed_is_removed_and_added():
    """A new id with another body is not a rename: the old rule goes, the new one comes."""
    text = edit('exclude urbanisme: "urbanisme" in project.tags',
                'exclude urbanisme_exclu: "urbanisme" in project.themes')
    assert [(type(e), e.path) for e in changes(text)] == [
        (Added, "rule.urbanisme_exclu"), (Removed, "rule.urbanisme")]


def test_where_points_at_the_declaration():
    """Each edit says where its declaration is; `where` is not part of equality."""
    text = edit("cap plafond_commune: 30_000 €", "cap plafond_commune: 40_000 €")
    line = text.splitlines().index(
        "  cap plafond_commune: 40_000 € when applicant.kind == commune and not joint") + 1
    [change] = changes(text)
    assert change.where == f"new.fitn7:{line}"
    assert change == Changed("rule.plafond_commune.cap", "30_000 €", "40_000 €", "cap",
                             change.label, change.source, where="elsewhere:1")


# --------------------------------------------------------------- expenses


def test_expense_categories():
    """Each category added to or removed from the list is an edit under its mode."""
    text = edit("expenses ineligible {personnel, materiel}",
                "expenses ineligible {personnel, licence}")
    assert [(type(e), e.path) for e in changes(text)] == [
        (Added, "expenses.ineligible.licence"), (Removed, "expenses.ineligible.materiel")]


def test_expenses_mode_changed():
    """Switching between `eligible` and `ineligible` changes the whole declaration."""
    text = edit("expenses ineligible {personnel, materiel}", "expenses eligible {etude, conseil}")
    assert changes(text) == (
        Changed("expenses", "expenses ineligible {personnel, materiel}",
                "expenses eligible {etude, conseil}", "expenses"),
    )


# ----------------------------------------------------------------- amount


def test_cap_amount_changed():
    """The amount of a cap is `rule.<id>.cap`: PACA's cap raised from 30 000 € to 40 000 €."""
    assert changes(edit("cap plafond_commune: 30_000 €", "cap plafond_commune: 40_000 €")) == (
        Changed("rule.plafond_commune.cap", "30_000 €", "40_000 €", "cap",
                "Un plafond de 30 000 € pour une commune seule", "aap.txt, §5"),
    )


def test_band_threshold_moved():
    """A band threshold that moves is a change of that band's bound, by position."""
    text = edit("    below 5_000                : 5_000 €\n    from 5_000 below 20_000",
                "    below 3_500                : 5_000 €\n    from 3_500 below 20_000")
    assert [(e.path, e.old, e.new) for e in changes(text)] == [
        ("rule.forfait_commune.bands[1].below", "5_000", "3_500"),
        ("rule.forfait_commune.bands[2].from", "5_000", "3_500"),
    ]


def test_band_amount_changed():
    """The amount of one band is `bands[N].amount`."""
    text = edit("otherwise                  : 15_000 €", "otherwise                  : 12_000 €")
    assert [(e.path, e.old, e.new) for e in changes(text)] == [
        ("rule.forfait_commune.bands[3].amount", "15_000 €", "12_000 €")]


def test_band_added():
    """A band inserted among the others is added; the others still pair up."""
    text = edit("    otherwise                  : 15_000 €",
                "    from 20_000 below 50_000   : 15_000 €\n    otherwise : 20_000 €")
    assert [(type(e), e.path) for e in changes(text)] == [
        (Changed, "rule.forfait_commune.bands[3]"), (Added, "rule.forfait_commune.bands[4]")]


def test_forfait_amount_and_when():
    """A forfait's amount is `rule.<id>.forfait`; its condition is `rule.<id>.when`."""
    text = edit("forfait forfait_epci: 20_000 € when applicant.kind in {cc, ca}",
                "forfait forfait_epci: 25_000 € when applicant.kind in {cc, ca, cu}")
    assert [(e.path, e.old, e.new) for e in changes(text)] == [
        ("rule.forfait_epci.forfait", "20_000 €", "25_000 €"),
        ("rule.forfait_epci.when", "applicant.kind in {cc, ca}", "applicant.kind in {cc, ca, cu}"),
    ]


def test_cap_added_and_removed():
    """A new cap is one addition with its text; a cap gone is one removal."""
    text = edit("  floor plancher: 1_000 €",
                "  cap plafond_general: 50_000 €\n  floor plancher: 1_000 €")
    assert changes(text) == (
        Added("rule.plafond_general", "cap plafond_general: 50_000 €", "cap"),)
    assert changes(BASE, text) == (
        Removed("rule.plafond_general", "cap plafond_general: 50_000 €", "cap"),)


def test_order_of_forfaits_matters():
    """The first forfait that applies wins: swapping two is an `amount.order` change."""
    commune = BASE[BASE.index("  forfait forfait_commune"):BASE.index("  forfait forfait_epci")]
    epci = "  forfait forfait_epci: 20_000 € when applicant.kind in {cc, ca}\n"
    text = BASE.replace(commune + epci, epci + commune)
    assert changes(text) == (
        Changed("amount.order", "forfait_commune, forfait_epci, bonus_zrr, plafond_commune, "
                "plancher", "forfait_epci, forfait_commune, bonus_zrr, plafond_commune, plancher",
                "amount"),
    )


def test_order_of_two_caps_does_not_matter():
    """Two caps commute: their order is no change (a cap against a floor would be)."""
    two = edit("  floor plancher: 1_000 €", "  cap plafond_general: 50_000 €")
    swapped = two.replace(
        "  cap plafond_commune: 30_000 € when applicant.kind == commune and not joint\n"
        '    "Un plafond de 30 000 € pour une commune seule"\n    source "aap.txt, §5"\n'
        "  cap plafond_general: 50_000 €",
        "  cap plafond_general: 50_000 €\n"
        "  cap plafond_commune: 30_000 € when applicant.kind == commune and not joint\n"
        '    "Un plafond de 30 000 € pour une commune seule"\n    source "aap.txt, §5"')
    assert swapped != two
    assert changes(swapped, two) == ()
    cap_floor = edit("  floor plancher: 1_000 €", "")
    cap_floor = cap_floor.replace("  cap plafond_commune", "  floor plancher: 1_000 €\n"
                                  "  cap plafond_commune")
    assert [e.path for e in changes(cap_floor)] == ["amount.order"]


def test_step_without_id_is_named_as_the_trace_names_it():
    """A forfait without id is `forfait#N`; inserting a step before it does not change it."""
    old = 'policy "p"\namount\n  forfait 5_000 € when applicant.zrr\n  rate 80%\n'
    new = ('policy "p"\namount\n  cap plafond: 9_000 €\n  forfait 5_000 € when applicant.zrr\n'
           '  rate 80%\n')
    assert [(type(e), e.path) for e in changes(new, old)] == [(Added, "rule.plafond")]
    changed = old.replace("rate 80%", "rate 90%")
    assert [(e.path, e.old, e.new) for e in changes(changed, old)] == [
        ("rule.taux#2.rate", "80%", "90%")]


def test_base_changed():
    """The `base` step is `amount.base`."""
    old = 'policy "p"\namount\n  base eligible_expenses\n  rate 80%\n'
    new = 'policy "p"\namount\n  base total_expenses\n  rate 80%\n'
    assert changes(new, old) == (
        Changed("amount.base", "eligible_expenses", "total_expenses", "base"),)


# ------------------------------------------------- score, limits, invariants


def test_score_limit_and_invariant_changes():
    """Criterion points, a limit's count and an invariant's condition are each one edit."""
    text = (edit('inclusion: +2 when', 'inclusion: +3 when')
            .replace("at most 1 award per applicant", "at most 2 awards per applicant")
            .replace("invariant plafond: amount <= 30_000 €",
                     "invariant plafond: amount <= 40_000 €"))
    assert [(e.path, e.old, e.new, e.kind) for e in changes(text)] == [
        ("rule.inclusion.points", "+2", "+3", "score"),
        ("rule.une_victoire.count", "1", "2", "limit"),
        ("rule.plafond.condition", "amount <= 30_000 €", "amount <= 40_000 €", "invariant"),
    ]


def test_sections_come_in_policy_order():
    """Edits come header, params, lets, sessions, expenses, rules, amount, score, limits,
    invariants, whatever the order of the file."""
    text = (edit('version  "1"', 'version  "2"')
            .replace("invariant plafond: amount <= 30_000 €", "invariant plafond: amount <= 1 €")
            .replace("param seuil = 10_000", "param seuil = 1")
            .replace('ruralite: +1', 'ruralite: +5')
            .replace("in zone\n", "in zone or true\n", 1))
    assert [e.path for e in changes(text)] == [
        "header.version", "param.seuil", "rule.territoire.condition", "rule.ruralite.points",
        "rule.plafond.condition"]


# ------------------------------------------------------------------ misc


def test_touched_and_renamed_rules():
    """A diff names the rule ids it is about, and maps renamed ids old → new."""
    text = edit("exclude urbanisme:", "exclude urbanisme_exclu:").replace(
        "cap plafond_commune: 30_000 €", "cap plafond_commune: 40_000 €")
    d = diff(parse(BASE), parse(text))
    assert d.touched_rules() == {"urbanisme", "urbanisme_exclu", "plafond_commune"}
    assert d.renamed_rules() == {"urbanisme": "urbanisme_exclu"}
    assert d.paths == ("rule.urbanisme", "rule.plafond_commune.cap")


def test_duplicate_ids_of_an_unchecked_policy_are_numbered():
    """Two rules with one id (a policy that does not check) are told apart as `x` and `x~2`."""
    old = 'policy "p"\nrequire x: true\nrequire x: false\n'
    new = 'policy "p"\nrequire x: true\nrequire x: 1 == 1\n'
    assert [e.path for e in changes(new, old)] == ["rule.x~2.condition"]


def test_versions_are_recorded():
    """The diff records both policies' id, version, canonical hash and file."""
    d = diff(parse(BASE, "a.fitn7"), parse(edit('version  "1"', 'version  "2"'), "b.fitn7"))
    assert (d.old.version, d.new.version, d.old.file, d.new.file) == ("1", "2", "a.fitn7",
                                                                      "b.fitn7")
    assert d.old.sha256 != d.new.sha256 and len(d.old.sha256) == 64


def test_diff_reads_files_and_resolves_extends():
    """Given paths, `diff` reads both files and merges their parents before comparing."""
    d = diff(GOLDEN / "paca-2021.1.fitn7", GOLDEN / "paca-2021.2.fitn7")
    assert d.paths == (
        "header.version",
        "rule.plafond_commune.cap",
        "rule.plafond_commune.message",
        "rule.plafond_commune_respecte.condition",
        "rule.plafond_commune_respecte.message",
    )


def test_change_in_the_parent_is_seen_and_located(tmp_path):
    """A rule inherited through `extends` that changes is reported with the parent's file."""
    parent = 'policy "parent"\n  version "1"\n\nrequire porteur: applicant.kind in {commune, cc}\n'
    child = 'policy "enfant"\n  version "1"\n  extends "parent"\n\nreview r: project.started\n'
    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    (tmp_path / "v1" / "parent.fitn7").write_text(parent, encoding="utf-8")
    (tmp_path / "v2" / "parent.fitn7").write_text(parent.replace(", cc}", ", cc, ca}"),
                                                  encoding="utf-8")
    for v in ("v1", "v2"):
        (tmp_path / v / "enfant.fitn7").write_text(child, encoding="utf-8")
    old = load_resolved(tmp_path / "v1" / "enfant.fitn7")
    new = load_resolved(tmp_path / "v2" / "enfant.fitn7")
    [change] = diff(old, new).edits
    assert (change.path, change.old, change.new) == (
        "rule.porteur.condition", "applicant.kind in {commune, cc}",
        "applicant.kind in {commune, cc, ca}")
    assert change.where == f"{tmp_path / 'v2' / 'parent.fitn7'}:4"


def test_step_given_an_id_is_a_rename():
    """A step without id that gets one, and nothing else, is renamed from its trace name."""
    old = 'policy "p"\namount\n  rate 100%\n'
    new = 'policy "p"\namount\n  rate prise_en_charge: 100%\n'
    assert changes(new, old) == (Renamed("rule.taux#1", "rule.prise_en_charge", "rate"),)


# ---------------------------------------------- order and names that mean nothing


def test_reordered_set_elements_are_no_change():
    """A set means the same in any order: no edit, and the same policy hash. The file is
    not rewritten: a real change shows both sets as written."""
    from fitn7.hashing import policy_hash

    text = (edit('let zone = {"04", "05"}', 'let zone = {"05", "04"}')
            .replace("applicant.kind in {cc, ca}", "applicant.kind in {ca, cc}")
            .replace("expenses ineligible {personnel, materiel}",
                     "expenses ineligible {materiel, personnel}"))
    assert text != BASE
    assert changes(text) == ()
    assert policy_hash(parse(text)) == policy_hash(parse(BASE))
    assert "{ca, cc}" in format_policy(parse(text))
    grown = text.replace('let zone = {"05", "04"}', 'let zone = {"05", "04", "06"}')
    assert changes(grown) == (Changed("let.zone", '{"04", "05"}', '{"05", "04", "06"}', "let"),)


def test_a_renamed_param_or_let_is_one_edit():
    """A param or let renamed is one `Renamed`; the rules and lets that use it under its new
    name are not changed by that alone (but are when something else changed)."""
    old = ('policy "p"\nparam seuil = 10_000\nlet zone = {"04", "05"}\n'
           'let cible = applicant.departement in zone and applicant.population < seuil\n'
           'require petite_collectivite: applicant.population < seuil\n'
           'require territoire: cible\n'
           'amount\n  forfait 5_000 € when applicant.population < seuil\n')
    new = (old.replace("seuil", "seuil_pmc").replace("zone", "zone_alpes")
           .replace("cible", "dans_la_cible"))
    assert changes(new, old) == (
        Renamed("param.seuil", "param.seuil_pmc", "param"),
        Renamed("let.zone", "let.zone_alpes", "let"),
        Renamed("let.cible", "let.dans_la_cible", "let"),
    )
    # A let that uses another renamed let, declared before it: still a rename.
    first = new.replace('let zone_alpes = {"04", "05"}\n', "").replace(
        "require petite", 'let zone_alpes = {"04", "05"}\nrequire petite')
    assert [type(e) for e in changes(first, old)] == [Renamed] * 3
    moved = new.replace("require petite_collectivite: applicant.population < seuil_pmc",
                        "require petite_collectivite: applicant.population <= seuil_pmc")
    assert [(e.path, getattr(e, "old", None)) for e in changes(moved, old)][-1] == (
        "rule.petite_collectivite.condition", "applicant.population < seuil")
    # A param gone and another added with another value is no rename: its users changed.
    other = new.replace("param seuil_pmc = 10_000", "param seuil_pmc = 12_000")
    paths = [e.path for e in changes(other, old)]
    assert "param.seuil" in paths and "rule.petite_collectivite.condition" in paths


def test_two_bonuses_in_euros_commute_but_not_with_one_in_percent():
    """Bonuses in euros add up in any order (as two caps commute); a bonus in percent
    counts those before it, so moving it past one in euros is `amount.order`."""
    old = ('policy "p"\nparam taux_zrr = 10%\namount\n  rate 50%\n'
           '  bonus zrr: 5_000 € when applicant.zrr\n  bonus qpv: 2_000 € when applicant.qpv\n'
           '  bonus libre: +10%\n  bonus zrr_pct: taux_zrr\n  cap plafond: 40_000 €\n')
    two_euros = old.replace(
        "  bonus zrr: 5_000 € when applicant.zrr\n  bonus qpv: 2_000 € when applicant.qpv\n",
        "  bonus qpv: 2_000 € when applicant.qpv\n  bonus zrr: 5_000 € when applicant.zrr\n")
    assert changes(two_euros, old) == ()
    two_percents = old.replace("  bonus libre: +10%\n  bonus zrr_pct: taux_zrr\n",
                               "  bonus zrr_pct: taux_zrr\n  bonus libre: +10%\n")
    assert changes(two_percents, old) == ()
    # A bonus in percent moved before one in euros: the amount can change.
    mixed = old.replace(
        "  bonus qpv: 2_000 € when applicant.qpv\n  bonus libre: +10%\n",
        "  bonus libre: +10%\n  bonus qpv: 2_000 € when applicant.qpv\n")
    assert [e.path for e in changes(mixed, old)] == ["amount.order"]
    # A bonus moved after the cap runs before it anyway: no change.
    after_cap = old.replace("  bonus libre: +10%\n", "").replace(
        "  cap plafond: 40_000 €\n", "  cap plafond: 40_000 €\n  bonus libre: +10%\n")
    assert changes(after_cap, old) == ()
