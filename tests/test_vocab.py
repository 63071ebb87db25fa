"""The closed vocabularies: the README's tables equal pipeline/vocab.py, and the schema
refuses a code outside them."""
import re
from pathlib import Path

import pandas as pd
import pytest

from pipeline.vocab import FLAGS, NARRATIVE_RULES

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_table(first_col: str) -> dict[str, str]:
    """The README table whose header is `| <first_col> | meaning |`, as code -> meaning."""
    lines = README.read_text("utf-8").splitlines()
    start = lines.index(f"| {first_col} | meaning |")
    out = {}
    for ln in lines[start + 2:]:
        if not ln.startswith("|"):
            break
        m = re.match(r"^\| `([a-z_]+)` \| (.*) \|$", ln)
        assert m, ln
        out[m.group(1)] = m.group(2)
    return out


def test_readme_flag_table_is_the_vocabulary():
    assert readme_table("code") == FLAGS


def test_readme_rule_table_is_the_vocabulary():
    assert readme_table("rule") == NARRATIVE_RULES


def test_grammar_rules_are_in_the_vocabulary():
    """Every rule name the outcome grammar writes is one of NARRATIVE_RULES."""
    from pipeline.outcomes import grammar
    from pipeline.outcomes.grammar.matches import NARRATIVE_LABELS
    folder = Path(grammar.__file__).parent
    src = "\n".join(p.read_text("utf-8") for p in sorted(folder.glob("*.py")))
    written = set(re.findall(r'(?:rule = |role\[[^]]+\] = |setdefault\([^,]+, |mark\([^"]+, )"([a-z_]+)"', src))
    # the rules read off the characters around a number are what rule_by_characters returns
    written |= set(re.findall(r'return "([a-z_]+)"', (folder / "accounting.py").read_text("utf-8")))
    written |= NARRATIVE_LABELS
    assert written and written <= NARRATIVE_RULES.keys(), written - NARRATIVE_RULES.keys()


@pytest.mark.parametrize("table,column,bad", [
    ("narrative", "rule", "made_up_rule"),
    ("measures", "flags", ["not_a_flag"]),
    ("arms", "flags", ["close_alignment", "nope"]),
])
def test_schema_refuses_codes_outside_the_vocabulary(shared_dataset, table, column, bad):
    from schemas.models import SchemaFailure, validate_all
    frames = {n: pd.read_parquet(shared_dataset / f"{n}.parquet") for n in ("arms", "measures", "abbreviations", "narrative")}
    for n in ("arms", "measures"):
        frames[n]["flags"] = frames[n]["flags"].map(list)
    for n in ("arms",):
        for c in ("drugs", "primary_sites", "filled"):
            frames[n][c] = frames[n][c].map(list)
    validate_all(*frames.values())           # as written: valid
    df = frames[table]
    df.at[df.index[0], column] = bad
    with pytest.raises(SchemaFailure) as e:
        validate_all(*frames.values())
    assert column in set(e.value.table["column"].dropna()) or "known_review_flags" in set(e.value.table["check"].astype(str))
