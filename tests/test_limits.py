"""No number or text reaches an internal error: the limits of `fitn7.limits`, enforced
as E030/E031 in policies, as dossier errors (with the field's place, the rest of the batch
going on), as a wrong `--param`, and a decision whose trace holds a huge amount still
serialises."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from fitn7 import PolicySyntaxError, evaluate, parse_policy
from fitn7.cli import main
from fitn7.dossier import Dossier
from fitn7.errors import DossierError, EvaluationError
from fitn7.evaluation import compile_policy
from fitn7.evaluation.decision import money_str, plain
from fitn7.limits import Quantity, surrogate_at, text_problem, value_problem
from fitn7.loading import Failed, Loaded, dossier_from_mapping, load_dossiers

ROOT = Path(__file__).resolve().parent.parent
HEADER = 'policy "limites"\n  title "t"\n  authority "a"\n  version "1"\n'
HUGE = "9" * 5000


def policy_file(tmp_path: Path, body: str, name: str = "p.fitn7") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


# ------------------------------------------------------------- the module


@pytest.mark.parametrize(("text", "quantity", "expected"), [
    ("999_999_999_999_999", Quantity.EUROS, None),
    ("1_000_000_000_000_000", Quantity.EUROS, "too large for an amount in euros"),
    ("999999999999999999", Quantity.WHOLE, None),
    ("1000000000000000000", Quantity.WHOLE, "too large for a whole number"),
    ("0000000000000000000000000001", Quantity.WHOLE, None),  # leading zeros are no size
    ("999.9", Quantity.PERCENT, None),
    ("1000", Quantity.PERCENT, "too large for a percentage"),
    ("1." + "5" * 18, Quantity.DECIMAL, None),
    ("1." + "5" * 19, Quantity.DECIMAL, "more than 18 digits after the point"),
])
def test_text_problem_at_the_edges(text, quantity, expected):
    """Each limit holds up to its last value and refuses the next."""
    problem = text_problem(text, quantity)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem


def test_a_long_number_is_quoted_by_its_start_and_length():
    """A 5 000-digit number is not copied into the message."""
    problem = text_problem(HUGE, Quantity.WHOLE)
    assert problem == ("`9999999999999999…` (5 000 digits) is too large for a whole number: "
                       "it must be below 1_000_000_000_000_000_000")


@pytest.mark.parametrize(("value", "quantity", "expected"), [
    (10**18 - 1, Quantity.WHOLE, None),
    (10**18, Quantity.WHOLE, "too large"),
    pytest.param(10**5000, Quantity.WHOLE, "a number of about 5 000 digits is too large",
                 id="10**5000"),
    (Decimal("1e999999999"), Quantity.EUROS, "`1.000000e+999999999` is too large"),
    (Decimal("1e-999999999"), Quantity.DECIMAL, "more than 18 digits after the point"),
    (Decimal("1.50000000000000000000000"), Quantity.DECIMAL, None),  # trailing zeros
    (Decimal("0E+50"), Quantity.EUROS, None),  # zero, however written
    (Decimal("999999999999999.99"), Quantity.EUROS, None),
])
def test_value_problem_never_converts(value, quantity, expected):
    """Values already read are measured without arithmetic (no Overflow, no giant text)."""
    problem = value_problem(value, quantity)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem


def test_surrogate_at():
    assert surrogate_at("abc") is None
    assert surrogate_at("ab\ud800c") == 2
    assert surrogate_at("😀") is None  # a real pair is a character


# ---------------------------------------------------------------- policies


@pytest.mark.parametrize(("body", "column", "fragment"), [
    (f"require r: applicant.population < {HUGE}\n", 35,
     "`9999999999999999…` (5 000 digits) is too large for a whole number"),
    ("amount\n  forfait f: 99999999999999999999999999999 €\n", 14,
     "`99999999999999999999999999999` is too large for an amount in euros: it must be "
     "below 1_000_000_000_000_000 €"),
    ("amount\n  rate t: 1000%\n", 11, "`1000` is too large for a percentage"),
    ("param p = 0.1234567890123456789\n", 11, "more than 18 digits after the point"),
    ("let x = 1_000_000_000_000_000_000\n", 9, "too large for a whole number"),
])
def test_a_number_past_the_limits_is_e030_with_its_place(tmp_path, capsys, body, column,
                                                         fragment):
    """`fitn7 check`: E030 at the number's line and column, a caret, a hint; exit 1."""
    path = policy_file(tmp_path, body)
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "internal error" not in out + err
    first = out.splitlines()[0]
    assert first.startswith(f"{path}:{5 if 'amount' not in body else 6}:{column}: error[E030]: ")
    assert fragment in first
    assert "= help: check the number of digits" in out
    assert "^" in out
    assert err == "1 error in 1 file\n"


def test_e030_through_the_api():
    """`parse_policy` raises `PolicySyntaxError` with E030, never a ValueError."""
    with pytest.raises(PolicySyntaxError) as caught:
        parse_policy(HEADER + f"require r: applicant.population < {HUGE}\n", "x.fitn7")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E030"
    assert (diagnostic.span.line, diagnostic.span.column) == (5, 35)


def test_a_number_at_the_limit_is_accepted():
    """The largest amount and integer a policy may write parse and keep their value."""
    policy = parse_policy(HEADER + "let m = 999_999_999_999_999.99 €\n"
                                   "let n = 999_999_999_999_999_999\nlet t = 999.99%\n")
    values = [d.value.value for d in policy.declarations]
    assert values == [Decimal("999999999999999.99"), 999_999_999_999_999_999,
                      Decimal("999.99")]


def test_a_lone_surrogate_in_policy_text_is_e031():
    """Text given through the API with a lone surrogate: E031 at its place, printable."""
    with pytest.raises(PolicySyntaxError) as caught:
        parse_policy(HEADER.replace('"t"', '"a\ud800b"'), "x.fitn7")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E031"
    assert (diagnostic.span.line, diagnostic.span.column) == (2, 11)
    assert "\\ud800" in diagnostic.message
    str(caught.value).encode("utf-8")  # the rendered message holds no surrogate


def test_every_new_syntax_code_is_documented():
    """E030 and E031 come from the transformer and the parser, and are in the docs."""
    dsl = ROOT / "src" / "fitn7" / "dsl"
    emitted = set()
    for name in ("parser.py", "transformer.py"):
        emitted |= set(re.findall(r'"(E0\d\d)"', (dsl / name).read_text(encoding="utf-8")))
    assert {"E030", "E031"} <= emitted
    doc = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert sorted(code for code in emitted if f"## {code}" not in doc) == []
    assert "## Limits" in doc and "### Values: numbers, text, nesting" in doc


# ----------------------------------------------------------------- dossiers


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """A folder of broken dossiers around one good one."""
    files = {
        "a-big-int.json": '{"id": "A", "applicant": {"population": ' + HUGE + "}}",
        "b-big-int.toml": f'id = "B"\n[applicant]\npopulation = {HUGE}\n',
        "c-exponent.json": '{"id": "C", "applicant": {"population": 1e999999999}}',
        "d-money.json": '{"id": "D", "requested": 1000000000000000}',
        "e-money-text.json": '{"id": "E", "requested": "99999999999999999999999999999"}',
        "f-surrogate.json": '{"id": "\\ud800"}',
        "g-extra.json": '{"id": "G", "extra": {"x": 1e999999999}}',
        "h-key.json": '{"id": "H", "extra": {"\\udfff": 1}}',
        "i-deep.json": '{"id": "I", "extra": {"x": ' + "[" * 40 + "]" * 40 + "}}",
        "j-digits.json": '{"id": "J", "applicant": {"population": "' + "1" * 30 + '"}}',
        # An exponent beyond any Decimal: `Decimal()` itself refuses it (found by fuzzing).
        "k-exponent.toml": 'id = "K"\nrequested = 99E999999999999999999\n',
        "l-exponent.json": '{"id": "L", "expenses": [{"label": "x", "category": "etude", '
                           '"amount": 1e-999999999999999999999}]}',
        "ok.json": '{"id": "OK", "requested": 999999999999999.99, '
                   '"applicant": {"population": 999999999999999999}}',
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


EXPECTED = {
    "a-big-int.json": "`9999999999999999…` (5 000 digits) is too large for a whole number: it "
                      "must be below 1_000_000_000_000_000_000 @ $.applicant.population",
    "b-big-int.toml": "invalid TOML: a number of 5 000 digits is too large (at line 3, "
                      "column 14)",
    "c-exponent.json": "`1.000000e+999999999` is too large for a whole number: it must be "
                       "below 1_000_000_000_000_000_000 @ $.applicant.population",
    "d-money.json": "`1000000000000000` is too large for an amount in euros: it must be "
                    "below 1_000_000_000_000_000 € @ $.requested",
    "e-money-text.json": "`99999999999999999999999999999` is too large for an amount in "
                         "euros: it must be below 1_000_000_000_000_000 € @ $.requested",
    "f-surrogate.json": "the text is not valid Unicode: `\\ud800` at character 1 is a lone "
                        "surrogate @ $.id",
    "g-extra.json": "`1.000000e+999999999` is too large for a number: it must be below "
                    "1_000_000_000_000_000_000 @ $.extra.x",
    "h-key.json": "the text is not valid Unicode: `\\udfff` at character 1 is a lone "
                  "surrogate @ $.extra",
    "i-deep.json": "tables or lists are nested too deeply to be a dossier @ $.extra.x",
    "j-digits.json": "`111111111111111111111111111111` is too large for a whole number",
    "k-exponent.toml": "`99E999999999999999999` is out of range: its exponent is beyond any "
                       "number a dossier holds @ $.requested",
    "l-exponent.json": "`1e-999999999999999999999` is out of range: its exponent is beyond "
                       "any number a dossier holds @ $.expenses[0].amount",
}


def test_each_bad_value_fails_its_dossier_and_the_batch_goes_on(batch):
    """API: every broken dossier is a `Failed` naming the file, the value and its place;
    the good one loads, at the limits exactly."""
    results = list(load_dossiers(batch))
    loaded = [r for r in results if isinstance(r, Loaded)]
    assert [r.dossier.id for r in loaded] == ["OK"]
    assert loaded[0].dossier.requested == Decimal("999999999999999.99")
    failed = {Path(r.file).name: str(r.error) for r in results if isinstance(r, Failed)}
    assert sorted(failed) == sorted(EXPECTED)
    for name, fragment in EXPECTED.items():
        assert fragment in failed[name], name
    for message in failed.values():
        message.encode("utf-8")  # printable: no surrogate copied into it


def test_eval_reports_each_bad_dossier_and_decides_the_rest(batch, tmp_path, capsys):
    """CLI: exit 1, one line per broken file, the good dossier decided, no internal error."""
    policy = policy_file(tmp_path / "..", "require r: applicant.population > 0\n", "lim.fitn7")
    code = main(["eval", str(policy), str(batch), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "internal error" not in err
    assert [d["dossier"] for d in json.loads(out)] == ["OK"]
    assert len(err.splitlines()) == len(EXPECTED)


def test_dossier_from_mapping_checks_values_given_by_a_program():
    """A tool building dossiers in Python gets the same errors, with the place."""
    with pytest.raises(DossierError) as caught:
        dossier_from_mapping({"id": "X", "applicant": {"population": 10**30}}, file="<api>")
    assert caught.value.path == "$.applicant.population"
    assert "too large for a whole number" in caught.value.message
    with pytest.raises(DossierError) as caught:
        dossier_from_mapping({"id": "X", "project": {"title": "a\udc80"}}, file="<api>")
    assert caught.value.path == "$.project.title"


# ---------------------------------------------------------------- --param


@pytest.mark.parametrize(("override", "fragment"), [
    ("plafond=99999999999999999999999999999", "too large for an amount in euros"),
    ("plafond=1e999999999", "too large for an amount in euros"),
    ("taux=1000", "too large for a percentage"),
    ("n=9999999999999999999", "too large for a whole number"),
    ("r=1e30", "too large for a number"),
])
def test_a_param_past_the_limits_is_a_usage_error(tmp_path, capsys, override, fragment):
    """`--param` goes through the same limits: exit 2 with the param named."""
    policy = policy_file(tmp_path, "param plafond = 30_000 €\nparam taux = 80%\nparam n = 3\n"
                                   "param r = 0.5\namount\n  rate t: taux when r < 1 and n > 0\n"
                                   "  cap c: plafond\n")
    dossier = tmp_path / "a.json"
    dossier.write_text('{"id": "A", "requested": 100, "expenses": []}', encoding="utf-8")
    code = main(["eval", str(policy), str(dossier), "--param", override])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith(f"fitn7: --param: param `{override.split('=')[0]}` expects")
    assert fragment in err


# ------------------------------------------------------------- decisions


def test_a_trace_amount_past_28_digits_serialises(tmp_path, capsys):
    """A forfait that multiplies large numbers: the JSON decision holds the amount, to the
    cent (the default Decimal context refused to round it: InvalidOperation)."""
    policy = policy_file(tmp_path, "amount\n  forfait f: 999_999_999_999_999 € * "
                                   "999_999_999_999_999_999\n")
    dossier = tmp_path / "a.json"
    dossier.write_text('{"id": "A", "requested": 100, "expenses": []}', encoding="utf-8")
    code = main(["eval", str(policy), str(dossier), "--format", "json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    (decision,) = json.loads(out)
    step = next(t for t in decision["trace"] if t["rule"] == "f")
    # The product, rounded to the 28 digits evaluation computes with, then to the cent.
    assert step["amount"] == "999999999999998999000000000000000.00"
    assert decision["amount"] == "0.00"


def test_money_str_and_plain_take_any_size():
    """The serialisers of a decision do not fail on huge values."""
    assert money_str(Decimal("9.995E+40")) == "99950000000000000000000000000000000000000.00"
    assert money_str(Decimal("5.005")) == "5.01"
    huge = 10**5000
    assert plain(huge) == "1" + "0" * 5000
    assert plain(12) == 12


def test_a_computation_that_overflows_is_an_evaluation_error():
    """A chain of lets squaring a value leaves Decimal's range: `EvaluationError` for that
    dossier (not `decimal.Overflow`), on both evaluation paths."""
    lets = "".join(f"let v{i + 1} = v{i} * v{i}\n" for i in range(17))
    policy = parse_policy(HEADER + "let v0 = 999_999_999_999_999_999.5\n" + lets
                          + "require big: v17 > 1\n")
    program = compile_policy(policy)
    dossier = Dossier(id="A")
    for trace in (True, False):
        with pytest.raises(EvaluationError, match="a value the policy computes is too large"):
            program.evaluate(dossier, trace=trace)
    with pytest.raises(EvaluationError):
        evaluate(policy, dossier)


def test_eval_goes_on_after_an_overflowing_dossier(tmp_path, capsys):
    """CLI: the dossier is reported with its file, exit 1, no internal error."""
    lets = "".join(f"let v{i + 1} = v{i} * v{i}\n" for i in range(17))
    # B has no population: its v0 is unknown, and so is every let after it.
    policy = policy_file(tmp_path, "let v0 = applicant.population * 999_999_999_999_999_999.5\n"
                         + lets + "require big: v17 > 1\n")
    (tmp_path / "a.json").write_text('{"id": "A", "applicant": {"population": 3}}', "utf-8")
    (tmp_path / "b.json").write_text('{"id": "B"}', "utf-8")
    code = main(["eval", str(policy), str(tmp_path / "a.json"), str(tmp_path / "b.json")])
    out, err = capsys.readouterr()
    assert code == 1
    assert f"fitn7: {tmp_path / 'a.json'}: dossier `A`: a value the policy computes is too " \
           "large (Overflow)" in err
    assert "internal error" not in err
    assert out.splitlines()[1].startswith("B ")


@pytest.mark.parametrize("envelope", ["1e999999999", "99999999999999999999999999999", HUGE])
def test_an_envelope_past_the_limits_is_a_usage_error(capsys, envelope):
    """`--envelope` was rounded to the cent before any check: InvalidOperation."""
    code = main(["allocate", str(ROOT / "policies" / "paca.fitn7"),
                 str(ROOT / "policies" / "paca"), "--envelope", envelope])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("fitn7: --envelope: `")
    assert "is too large for an amount in euros" in err


def test_replay_refuses_recorded_decisions_with_a_lone_surrogate(tmp_path, capsys):
    """The decisions would be printed back: refused as a file, exit 2, no internal error."""
    recorded = tmp_path / "decisions.json"
    recorded.write_text('[{"dossier": "\\ud800", "status": "eligible"}]', "utf-8")
    code = main(["replay", str(recorded), str(ROOT / "policies" / "paca.fitn7"),
                 str(ROOT / "policies" / "paca")])
    _, err = capsys.readouterr()
    assert code == 2
    assert err == (f"fitn7: `{recorded}` holds text that is not valid Unicode (a lone "
                   "surrogate, `\\ud800`): it was not written by `fitn7 eval`\n")
