"""PubMed Central / JATS article XML -> Grid per `<table-wrap>`, plus the article's metadata.

Each `<table-wrap>` is a table: `<label>` is its label ("Table 2"), `<caption>` its title
(the caption's `<title>`, else its text), `<table-wrap-foot>` its footnotes: a footnote
opening "Abbreviations:" (or made of "AE, adverse event; ..." items) is the legend, the others
are notes. The XHTML `<table>` inside (or a CALS / OASIS one, relabelled) is laid out by the grid builder shared with HTML
(`readers/grid.py`): spans expanded and marked, `<break/>` as a space, `<xref
ref-type="bibr">` to the row's references, footnote marks apart from values. A table-wrap
holding only an image is reported, not read. An article with no table is no error.

The front matter gives documents.parquet its pmcid, pmid, doi, title, journal, year,
article type and licence. The XML is parsed without loading DTDs or fetching anything.
"""
from __future__ import annotations

import re

from lxml import etree

from ..errors import InputError, Reject
from ..model import Grid
from .grid import cals_to_xhtml, cell_content, table_to_grid, tag_of
from .text import LEGEND, unlabelled_legend

FORMAT = "jats"
# a footnote made of "SHORT=long" items separated by commas
_EQ_LIST = re.compile(r"^(?:[^,=;]{1,20}=[^,=;]+,\s*){2,}[^,=;]{1,20}=[^,=;]+\.?$")
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# publication dates, most preferred first (the date, then the electronic one)
DATE_TYPES = ("ppub", "pub", "epub-ppub", "epub", "collection", "pmc-release")


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    t = re.sub(r"[\s\u00a0\u2028\u2029]+", " ", text).strip()
    return t or None


def _text(el) -> str | None:
    return None if el is None else _clean("".join(el.itertext()))


def _strip_namespaces(root) -> None:
    """JATS elements are unqualified, but some files put them in a namespace: use local names."""
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = etree.QName(el).localname


def parse(data: bytes):
    """Bytes -> the article element. No DTD is loaded, no entity resolved from outside."""
    if not data.strip():
        raise InputError("empty file: no XML", line=1)
    kw = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    try:
        root = etree.fromstring(data, etree.XMLParser(**kw))
    except etree.XMLSyntaxError as e:
        # only entities the (unloaded) DTD would define ("&nbsp;") are forgiven: a damaged or
        # cut file is an error, not a silently shorter article
        if not _undefined_entity(e):
            raise InputError(f"not well-formed XML: {e.msg}", line=e.lineno) from None
        try:
            root = etree.fromstring(_named_entities_as_numbers(data), etree.XMLParser(**kw))
        except etree.XMLSyntaxError as e2:
            if not _undefined_entity(e2):
                raise InputError(f"not well-formed XML: {e2.msg}", line=e2.lineno) from None
            root = etree.fromstring(data, etree.XMLParser(recover=True, **kw))
        if root is None:
            raise InputError(f"not well-formed XML: {e.msg}", line=e.lineno) from None
    _strip_namespaces(root)
    if root.tag != "article":
        article = next(root.iter("article"), None)
        if article is None:
            raise InputError(f"not a JATS article (root element <{root.tag}>, no <article>)", line=root.sourceline)
        root = article
    return root


def _undefined_entity(e: etree.XMLSyntaxError) -> bool:
    return "Entity" in (e.msg or "") and "not defined" in (e.msg or "")


def _named_entities_as_numbers(data: bytes) -> bytes:
    """"&nbsp;" -> "&#160;": the HTML entities a JATS DTD declares, without loading it."""
    from html.entities import name2codepoint

    def repl(m: re.Match) -> bytes:
        name = m.group(1).decode("ascii")
        if name in ("amp", "lt", "gt", "quot", "apos") or name not in name2codepoint:
            return m.group(0)
        return f"&#{name2codepoint[name]};".encode("ascii")
    return re.sub(rb"&([A-Za-z][A-Za-z0-9]{1,31});", repl, data)


# ------------------------------------------------------------------ metadata
def article_meta(root) -> dict:
    front = root.find("front")
    meta = dict(article_type=root.get("article-type"))
    if front is None:
        return meta
    am = front.find("article-meta")
    jm = front.find("journal-meta")
    ids = {} if am is None else {(i.get("pub-id-type") or "").lower(): _clean(i.text)
                                 for i in am.findall("article-id")}
    pmc = ids.get("pmcid") or ids.get("pmc")
    if pmc:
        digits = re.sub(r"(?i)^pmc", "", pmc)
        meta["pmcid"] = f"PMC{digits}" if digits.isdigit() else None
    if ids.get("pmid", "") and ids["pmid"].isdigit():
        meta["pmid"] = ids["pmid"]
    if ids.get("doi"):
        meta["doi"] = ids["doi"]
    if am is not None:
        meta["title"] = _text(am.find("title-group/article-title"))
        meta["year"] = _year(am)
        meta["license"] = _license(am)
    if jm is not None:
        meta["journal"] = (_text(jm.find("journal-title-group/journal-title")) or _text(jm.find("journal-title"))
                           or _text(jm.find("journal-id[@journal-id-type='nlm-ta']")))
    return meta


def _year(am) -> int | None:
    years = {}
    for d in am.findall("pub-date"):
        kind = d.get("pub-type") or d.get("date-type") or ""
        y = _clean(d.findtext("year"))
        if y and y.isdigit():
            years.setdefault(kind, int(y))
    for kind in DATE_TYPES:
        if kind in years:
            return years[kind]
    return next(iter(years.values()), None)


def _license(am) -> str | None:
    """The licence's URL when the article gives one, else its type, else its first sentence."""
    lic = am.find("permissions/license")
    if lic is None:
        lic = next(am.iter("license"), None)
    if lic is None:
        return None
    ref = _text(lic.find("license_ref"))
    if ref:
        return ref
    if lic.get(XLINK_HREF):
        return _clean(lic.get(XLINK_HREF))
    for link in lic.iter("ext-link", "uri"):
        href = link.get(XLINK_HREF) or _text(link)
        if href and "licen" in href:
            return _clean(href)
    if lic.get("license-type"):
        return lic.get("license-type")
    text = _text(lic)
    return text.split(". ")[0][:300] if text else None


# ------------------------------------------------------------------ tables
def _caption_text(el) -> str | None:
    """Caption text with footnote marks and citations left out ("adverse events<sup>a</sup>")."""
    return None if el is None else (cell_content(el).text or None)


def _label_title(tw) -> tuple[str | None, str | None, list[str]]:
    label = _text(tw.find("label"))
    cap = tw.find("caption")
    title, notes = None, []
    if cap is not None:
        title = _caption_text(cap.find("title"))
        paras = [_caption_text(p) for p in cap if tag_of(p) == "p"]
        if title is None:
            title = _caption_text(cap)
        else:
            notes = [p for p in paras if p]
    return label, title, notes


def _footnotes(tw) -> tuple[str | None, list[str]]:
    """The legend (abbreviations) and the other footnotes of a table-wrap."""
    legend, notes = [], []
    for foot in tw.findall("table-wrap-foot"):
        items = [x for x in foot if tag_of(x) in ("fn", "p", "fn-group")] or [foot]
        flat = []
        for x in items:
            flat += [f for f in x if tag_of(f) == "fn"] if tag_of(x) == "fn-group" else [x]
        for fn in flat:
            mark = _text(fn.find("label"))
            body = " ".join(t for t in (_text(p) for p in fn if tag_of(p) == "p") if t) if tag_of(fn) == "fn" else None
            txt = body or _text(fn) or ""
            if mark and txt.startswith(mark) and not body:
                txt = txt[len(mark):].strip()
            m = LEGEND.match(txt)
            if m:
                legend.append(m.group(2))
            elif unlabelled_legend(txt):
                legend.append(txt)
            elif _EQ_LIST.match(txt):         # "M+=metastatic, OS=overall survival, ..."
                legend.append(re.sub(r",\s*(?=[^,=;]{1,20}=)", "; ", txt))
            elif txt:
                notes.append(f"{mark} {txt}" if mark else txt)
    return (" ".join(legend) or None), notes


def read_jats(source: str, data: bytes) -> tuple[list[Grid], list[Reject], dict, list[tuple[str | None, str]]]:
    """(grids, rejected rows, metadata, skipped table-wraps)."""
    root = parse(data)
    meta = article_meta(root)
    grids: list[Grid] = []
    rejects: list[Reject] = []
    skipped: list[tuple[str | None, str]] = []
    for tw in root.iter("table-wrap"):
        label, title, cap_notes = _label_title(tw)
        table = next(tw.iter("table"), None)
        if table is None:
            skipped.append((label or title, "table given as an image only (no <table> markup)"))
            continue
        legend, notes = _footnotes(tw)
        cals_to_xhtml(table)
        try:
            g, rej = table_to_grid(source, table, label=label, title=title, legend=legend,
                                   notes=tuple(cap_notes + notes))
        except InputError as e:
            if "no header row" not in e.reason:
                raise
            skipped.append((label or title, e.reason))
            continue
        grids.append(g)
        rejects += rej
    return grids, rejects, meta, skipped


def read(source: str, data: bytes, path=None):
    """Registry entry (readers.READERS): bytes -> ReadResult with the article's metadata."""
    from . import ReadResult

    grids, rejects, meta, skipped = read_jats(source, data)
    return ReadResult(grids, rejects, meta=meta, skipped=skipped)
