"""The caches of header and drug lookups follow the user lexicon of each run: a process that
runs with a user lexicon, then without (or with another), reads each run with its own."""
from pipeline.lexicon import USER_LEXICON_ENV, user_dir
from pipeline.normalize.drugs import regimen_drugs
from pipeline.table.header import classify_header, split_header_line


def _lexicon(folder, header_row: str, drug_rows: str):
    folder.mkdir()
    (folder / "headers.tsv").write_text("header\tcolumn\n" + header_row, "utf-8")
    (folder / "drugs.tsv").write_text("name\tgeneric\n" + drug_rows, "utf-8")
    return folder


def test_lookups_follow_the_user_lexicon_between_runs(tmp_path, monkeypatch):
    monkeypatch.delenv(USER_LEXICON_ENV, raising=False)
    assert user_dir() is None
    header, regimen = "Quorvex schedule", "qorvaxil combo + quinterol"
    before = classify_header(header).canonical
    assert before != "treatment"
    assert regimen_drugs(regimen, None, {}) == []
    cells_before = split_header_line(f"Study {header} ORR (%)")

    one = _lexicon(tmp_path / "one", "quorvex schedule\ttreatment\n",
                   "qorvaxil combo\tqorvaxil|zentamab\nquinterol\tquinterol\n")
    monkeypatch.setenv(USER_LEXICON_ENV, str(one))
    assert user_dir() == str(one)
    assert classify_header(header).canonical == "treatment"
    assert regimen_drugs(regimen, None, {}) == ["qorvaxil", "quinterol", "zentamab"]
    assert header in split_header_line(f"Study {header} ORR (%)")

    two = _lexicon(tmp_path / "two", "quorvex schedule\tagent\n", "quinterol\tquinterol\n")
    monkeypatch.setenv(USER_LEXICON_ENV, str(two))
    assert classify_header(header).canonical == "agent"
    assert regimen_drugs(regimen, None, {}) == ["quinterol"]

    monkeypatch.setenv(USER_LEXICON_ENV, "")
    assert user_dir() is None
    monkeypatch.delenv(USER_LEXICON_ENV)
    assert classify_header(header).canonical == before
    assert regimen_drugs(regimen, None, {}) == []
    assert split_header_line(f"Study {header} ORR (%)") == cells_before


def test_split_header_line_gives_each_caller_its_own_list():
    a = split_header_line("Study Phase ORR (%)")
    a.append("changed")
    assert split_header_line("Study Phase ORR (%)") == a[:-1]
