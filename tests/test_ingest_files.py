"""Ingest from local files of every kind, on real text: seeds and saved real web pages.

Inputs are built in ``tmp_path`` from ../shared at test time; nothing is copied into the repo.
"""

from __future__ import annotations

import gzip
import io
import json
from html import escape
from pathlib import Path

import lxml.html
import pytest

from newsprism.clean import clean_document
from newsprism.errors import InputError
from newsprism.ingest.decode import decode_bytes
from newsprism.ingest.records import iter_records
from newsprism.ingest.sources import Ingestor
from newsprism.model import RawDocument
from newsprism.pipeline import Pipeline, RunReport
from newsprism.store import Store

PAGES = ("bbc-1", "guardian-1", "nytimes-1")


def norm(s: str) -> str:
    return " ".join(s.split())


def seed_text(seeds_dir: Path, prefix: str) -> str:
    (path,) = sorted(seeds_dir.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


def page_dir(data_dir: Path, name: str) -> Path:
    return data_dir / "extraction-dev" / "readability-pages" / name


def expected_paragraphs(data_dir: Path, name: str) -> list[str]:
    """Readability's cleaned paragraphs for a page (not gold, but a fair body reference)."""
    tree = lxml.html.fromstring(page_dir(data_dir, name).joinpath("expected.html").read_text(encoding="utf-8"))
    return [norm(p.text_content()) for p in tree.iter("p") if len(p.text_content().split()) >= 8]


def ingest(tmp_path: Path, targets: list[Path | str], **kw: object) -> tuple[Store, RunReport]:
    store = Store(tmp_path / "store.db")
    run = Pipeline(store, **kw).ingest([str(t) for t in targets])  # type: ignore[arg-type]
    return store, run


def documents(targets: list[Path | str]) -> list[RawDocument | InputError]:
    return list(Ingestor().iter_documents([str(t) for t in targets]))


def paragraphs_html(text: str) -> str:
    return "".join(f"<p>{escape(p.strip())}</p>" for p in text.split("\n") if p.strip())


# -- folders and plain text ---------------------------------------------------------------
def test_ingest_folder_recursion_sorted_and_hidden_skipped(tmp_path: Path, seeds_dir: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "a" / "b" / "c").mkdir(parents=True)
    (corpus / ".hidden").mkdir()
    (corpus / "a" / "b" / "c" / "deep.txt").write_text(seed_text(seeds_dir, "001"), encoding="utf-8")
    (corpus / "top.txt").write_text(seed_text(seeds_dir, "002"), encoding="utf-8")
    (corpus / "a" / "mid.md").write_text(seed_text(seeds_dir, "004"), encoding="utf-8")
    (corpus / ".hidden" / "x.txt").write_text(seed_text(seeds_dir, "000"), encoding="utf-8")
    (corpus / ".dot.txt").write_text(seed_text(seeds_dir, "003"), encoding="utf-8")
    docs = documents([corpus])
    names = [Path(d.origin.location).name for d in docs if isinstance(d, RawDocument)]
    assert names == ["deep.txt", "mid.md", "top.txt"]  # sorted by path: a/b/c/… < a/mid.md
    assert all(isinstance(d, RawDocument) and d.format == "text" for d in docs)
    store, run = ingest(tmp_path, [corpus])
    assert (run.ingested, run.rejected, run.failed) == (3, [], [])
    assert store.count() == 3


def test_ingest_folder_saved_complete_page_assets_skipped(tmp_path: Path, data_dir: Path) -> None:
    """A page saved "complete" has a folder of resources; .css/.js must not read as articles."""
    folder = tmp_path / "saved"
    (folder / "page_files").mkdir(parents=True)
    html = (page_dir(data_dir, "guardian-1") / "source.html").read_text(encoding="utf-8")
    (folder / "page.html").write_text(html, encoding="utf-8")
    script = "\n".join(f"function f{i}(a, b) {{ return a + b * {i}; /* helper number {i} for the page */ }}" for i in range(40))
    (folder / "page_files" / "app.js").write_text(script, encoding="utf-8")
    (folder / "page_files" / "style.css").write_text("body { font-family: serif; margin: 0 auto; }\n" * 40, encoding="utf-8")
    (folder / "page_files" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)
    store, run = ingest(tmp_path, [folder])
    assert (run.ingested, run.rejected, run.failed) == (1, [], [])


def test_ingest_explicit_unsupported_file_named(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"x" * 500)
    img = tmp_path / "photo.png"
    img.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    _, run = ingest(tmp_path, [pdf, img])
    assert [(p.location, p.code) for p in run.rejected] == [(str(pdf), "E108"), (str(img), "E108")]
    assert "'.pdf'" in run.rejected[0].message


def test_ingest_plain_text_origin_and_title(tmp_path: Path, seeds_dir: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(seed_text(seeds_dir, "001"), encoding="utf-8")
    store, run = ingest(tmp_path, [path])
    (a,) = store.get_many(run.article_ids)
    assert a.origin.kind == "file"
    assert a.origin.location == str(path.resolve())
    assert a.origin.content_type == "text/plain"
    assert a.origin.encoding == "utf-8"
    assert a.title == "Putin to visit North Korea for the first time in over two decades"
    assert a.stages == ["clean"]


# -- saved HTML pages -----------------------------------------------------------------------
@pytest.mark.parametrize("name", PAGES)
def test_ingest_saved_html_page_real(tmp_path: Path, data_dir: Path, name: str) -> None:
    source = page_dir(data_dir, name) / "source.html"
    meta = json.loads((page_dir(data_dir, name) / "expected-metadata.json").read_text(encoding="utf-8"))
    store, run = ingest(tmp_path, [source])
    assert run.ingested == 1, run.rejected
    (a,) = store.get_many(run.article_ids)
    assert a.origin.content_type == "text/html"
    assert a.title == meta["title"]
    assert a.title_source == "markup"
    assert a.lang == "en"
    text = norm(a.text)
    expected = expected_paragraphs(data_dir, name)
    found = [p for p in expected if p in text]
    assert len(found) >= 0.9 * len(expected), f"{len(found)}/{len(expected)} body paragraphs"
    if meta.get("publishedTime"):
        assert a.published.value == meta["publishedTime"][:10]
        assert a.published.precision == "day"
        assert a.published.evidence[0].source == "htmldate"


@pytest.mark.parametrize("name", PAGES)
def test_ingest_html_captions_kept_apart_from_text(data_dir: Path, name: str) -> None:
    (doc,) = documents([page_dir(data_dir, name) / "source.html"])
    assert isinstance(doc, RawDocument)
    a = clean_document(doc)
    assert a.captions
    assert len(set(a.captions)) == len(a.captions)
    assert not [c for c in a.captions if c in a.text]


def test_ingest_xhtml_declaration_keeps_captions_and_lang(tmp_path: Path, data_dir: Path) -> None:
    """Regression: lxml refused a str with an XML declaration, so captions and lang were lost."""
    html = (page_dir(data_dir, "bbc-1") / "source.html").read_text(encoding="utf-8")
    plain = tmp_path / "plain.html"
    plain.write_text(html, encoding="utf-8")
    xhtml = tmp_path / "page.xhtml"
    xhtml.write_text('<?xml version="1.0" encoding="utf-8"?>\n' + html, encoding="utf-8")
    a, b = (clean_document(d) for d in documents([plain, xhtml]))  # type: ignore[arg-type]
    assert b.captions == a.captions and len(a.captions) == 6
    assert b.text == a.text


def test_ingest_html_byline_deduplicated(data_dir: Path) -> None:
    """Regression: trafilatura returned "Jeffrey Gettleman; JEFFREY GETTLEMAN"."""
    (doc,) = documents([page_dir(data_dir, "nytimes-1") / "source.html"])
    assert isinstance(doc, RawDocument)
    assert clean_document(doc).byline == "Jeffrey Gettleman"


def test_ingest_html_teaser_falls_back_to_full_body(data_dir: Path) -> None:
    """Regression: precision mode kept only engadget's 111-word summary box of a 1,800-word review."""
    (doc,) = documents([page_dir(data_dir, "engadget") / "source.html"])
    assert isinstance(doc, RawDocument)
    a = clean_document(doc)
    assert a.word_count > 1500
    expected = expected_paragraphs(data_dir, "engadget")
    assert sum(p in norm(a.text) for p in expected) >= 0.9 * len(expected)


def test_ingest_truncated_html_still_extracts(tmp_path: Path, data_dir: Path) -> None:
    """Broken markup (a page cut off mid-way, tags left open) still yields its body."""
    html = (page_dir(data_dir, "guardian-1") / "source.html").read_text(encoding="utf-8")
    start, end = html.index('itemprop="articleBody"'), html.index("</article>")
    cut = html[: (start + end) // 2]  # cut in the middle of the article body
    path = tmp_path / "cut.html"
    path.write_text(cut, encoding="utf-8")
    store, run = ingest(tmp_path, [path])
    assert run.ingested == 1
    (a,) = store.get_many(run.article_ids)
    assert a.word_count > 200
    assert "</" not in a.text


def test_ingest_html_fragment_wrapped(tmp_path: Path, seeds_dir: Path) -> None:
    """Regression: a one-paragraph fragment (feed entry, JSON html field) gave "no main text"."""
    para = max(seed_text(seeds_dir, "002").split("\n"), key=len)
    for i, html in enumerate([f"<p>{escape(para)}</p>", para]):
        (doc,) = list(iter_records(json.dumps([{"html": html}]), f"f{i}.json", "now"))
        assert isinstance(doc, RawDocument)
        assert clean_document(doc).text == para


def test_ingest_html_container_body_split_into_paragraphs(data_dir: Path) -> None:
    """Regression: LWN's body (a <div> of <p>s) became one 22,000-character paragraph, which the
    caption rule then moved out of the text, leaving nothing."""
    (doc,) = documents([page_dir(data_dir, "lwn-1") / "source.html"])
    assert isinstance(doc, RawDocument)
    a = clean_document(doc)
    assert len(a.paragraphs) >= 40
    assert a.captions == []
    expected = expected_paragraphs(data_dir, "lwn-1")
    assert sum(p in norm(a.text) for p in expected) == len(expected)


def test_ingest_html_inline_markup_adds_no_spaces(tmp_path: Path, data_dir: Path, seeds_dir: Path) -> None:
    """Regression: text was joined with a space at every inline tag ("Kim Jong Un 's")."""
    (doc,) = documents([page_dir(data_dir, "002") / "source.html"])
    assert isinstance(doc, RawDocument)
    a = clean_document(doc)
    expected = expected_paragraphs(data_dir, "002")
    assert sum(p in norm(a.text) for p in expected) == len(expected)  # was 38 of 50
    para = max(seed_text(seeds_dir, "003").split("\n"), key=len).strip()
    marked = para.replace("Kim", "<a href='/kim'><b>Kim</b></a>").replace("Putin", "<em>Putin</em><br/>", 1)
    (frag,) = list(iter_records(json.dumps([{"html": f"<p>{marked}</p>"}]), "f.json", "now"))
    assert isinstance(frag, RawDocument)
    assert clean_document(frag).text == " ".join(para.replace("Putin", "Putin ", 1).split())


@pytest.mark.parametrize("name, lang", [("qq", "zh"), ("youth", "zh"), ("yahoo-4", "ja")])
def test_ingest_html_cjk_page_not_too_short(tmp_path: Path, data_dir: Path, name: str, lang: str) -> None:
    """Regression: words were counted by spaces, so Chinese/Japanese articles were "too short"."""
    store, run = ingest(tmp_path, [page_dir(data_dir, name) / "source.html"])
    assert (run.ingested, run.rejected) == (1, [])
    (a,) = store.get_many(run.article_ids)
    assert a.lang == lang


# -- JSON and JSONL -----------------------------------------------------------------------
def _records(seeds_dir: Path) -> list[dict[str, object]]:
    return [
        {"title": "Seed one", "text": seed_text(seeds_dir, "001"), "source": "Outlet A",
         "published": "2024-06-17", "url": "https://a.example/1", "section": "world"},
        {"headline": "Seed two", "body": seed_text(seeds_dir, "002"), "site_name": "Outlet B",
         "date": "Tue, 18 Jun 2024 09:00:00 GMT", "authors": ["Ann One", "Bob Two"]},
        {"title": "Seed four", "content": seed_text(seeds_dir, "004"), "publisher": {"name": "Outlet C"},
         "published_at": 1718700000},
    ]


def test_ingest_json_array_fields_mapped(tmp_path: Path, seeds_dir: Path) -> None:
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(_records(seeds_dir)), encoding="utf-8")
    store, run = ingest(tmp_path, [path])
    assert (run.ingested, run.rejected) == (3, [])
    arts = {a.title: a for a in store.get_many(run.article_ids)}
    one, two, four = arts["Seed one"], arts["Seed two"], arts["Seed four"]
    assert (one.outlet, one.url, one.published.value, one.title_source) == ("Outlet A", "https://a.example/1", "2024-06-17", "json")
    assert one.origin.location == f"{path}#1"
    assert one.extras["json.section"] == "world"
    assert (two.outlet, two.byline, two.published.value) == ("Outlet B", "Ann One, Bob Two", "2024-06-18")
    assert (four.outlet, four.published.value) == ("Outlet C", "2024-06-18")  # epoch seconds


def test_ingest_jsonl_malformed_line_named_rest_go_in(tmp_path: Path, seeds_dir: Path) -> None:
    recs = _records(seeds_dir)
    lines = [json.dumps(recs[0]), '{"title": "broken", "text": "unterminated', json.dumps(recs[1]), "", json.dumps(recs[2])]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store, run = ingest(tmp_path, [path])
    assert run.ingested == 3
    (bad,) = run.rejected
    assert bad.location == f"{path}#2"
    assert bad.code == "E104"
    assert "line 2" in bad.message


def test_ingest_json_pretty_printed_object_with_articles(tmp_path: Path, seeds_dir: Path) -> None:
    """Regression: an indented object (nested objects at line starts) was read as JSONL."""
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"articles": _records(seeds_dir)[:2]}, indent=2), encoding="utf-8")
    store, run = ingest(tmp_path, [path])
    assert (run.ingested, run.rejected) == (2, [])


def test_ingest_json_truncated_array_one_error(tmp_path: Path, seeds_dir: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(_records(seeds_dir))[:-200], encoding="utf-8")
    _, run = ingest(tmp_path, [path])
    assert run.ingested == 0
    (bad,) = run.rejected
    assert (bad.location, bad.code) == (str(path), "E104")


def test_ingest_json_record_without_text_named() -> None:
    items = list(iter_records('[{"title": "x"}, 5]', "f.json", "now"))
    assert [type(i).__name__ for i in items] == ["InputError", "InputError"]
    assert [(i.location, i.code) for i in items] == [("f.json#1", "E101"), ("f.json#2", "E104")]  # type: ignore[union-attr]


def test_ingest_json_paragraph_list_and_odd_types(seeds_dir: Path) -> None:
    paras = [p for p in seed_text(seeds_dir, "002").split("\n") if p.strip()]
    (doc,) = list(iter_records(json.dumps([{"text": paras, "title": 2024, "url": {"x": 1}}]), "f.json", "now"))
    assert isinstance(doc, RawDocument)
    assert doc.title == "2024" and doc.url is None
    assert clean_document(doc).text.count("\n\n") >= len(paras) - 2


# -- WARC -----------------------------------------------------------------------------------
def _write_warc(path: Path, data_dir: Path, gz: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "newsprism-test"}))

        def response(url: str, body: bytes, status: str, ctype: str) -> None:
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))

        req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "www.bbc.com")], is_http_request=True)
        w.write_record(w.create_warc_record("https://www.bbc.com/news/33646607", "request", http_headers=req))
        for name, url in (("bbc-1", "https://www.bbc.com/news/33646607"), ("guardian-1", "https://www.theguardian.com/x")):
            body = (page_dir(data_dir, name) / "source.html").read_bytes()
            response(url, body, "200 OK", "text/html; charset=utf-8")
        response("https://www.bbc.com/missing", b"<html><body><p>Not found</p></body></html>", "404 Not Found", "text/html")
        response("https://www.bbc.com/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "200 OK", "image/png")


@pytest.mark.parametrize("name", ["pages.warc", "pages.warc.gz"])
def test_ingest_warc_html_responses_only(tmp_path: Path, data_dir: Path, name: str) -> None:
    path = tmp_path / name
    _write_warc(path, data_dir, gz=name.endswith(".gz"))
    store, run = ingest(tmp_path, [path])
    assert (run.ingested, run.rejected, run.failed) == (2, [], [])
    arts = store.get_many(run.article_ids)
    assert sorted(a.url or "" for a in arts) == ["https://www.bbc.com/news/33646607", "https://www.theguardian.com/x"]
    for a in arts:
        assert a.origin.kind == "warc"
        assert a.origin.location.startswith(f"{path}#https://")
        assert a.word_count > 500


def test_ingest_warc_malformed_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.warc"
    path.write_bytes(b"this is not a warc file\r\n\r\n" * 20)
    _, run = ingest(tmp_path, [path])
    (bad,) = run.rejected
    assert (bad.location, bad.code) == (str(path), "E111")


# -- feed files -------------------------------------------------------------------------
def test_ingest_rss_file_full_content_entries(tmp_path: Path, seeds_dir: Path) -> None:
    items = "".join(
        f"""<item><title>Seed {p}</title><link>https://news.example/{p}</link>
        <pubDate>Tue, 18 Jun 2024 0{i}:00:00 GMT</pubDate><author>desk@news.example (Desk)</author>
        <content:encoded><![CDATA[{paragraphs_html(seed_text(seeds_dir, p))}]]></content:encoded></item>"""
        for i, p in enumerate(("001", "002"))
    )
    rss = f"""<?xml version="1.0" encoding="utf-8"?>
    <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
    <channel><title>News Example</title><link>https://news.example/</link>{items}</channel></rss>"""
    path = tmp_path / "news.rss"
    path.write_text(rss, encoding="utf-8")
    store, run = ingest(tmp_path, [path])
    assert (run.ingested, run.rejected) == (2, [])
    arts = sorted(store.get_many(run.article_ids), key=lambda a: a.title or "")
    assert [a.title for a in arts] == ["Seed 001", "Seed 002"]
    assert all(a.outlet == "News Example" and a.origin.kind == "feed" for a in arts)
    assert [a.url for a in arts] == ["https://news.example/001", "https://news.example/002"]
    assert [a.published.value for a in arts] == ["2024-06-18", "2024-06-18"]
    assert arts[0].title_source == "feed"
    assert "Russian president Vladimir Putin will visit North Korea" in arts[0].text


def test_ingest_atom_file_full_content_entry(tmp_path: Path, seeds_dir: Path) -> None:
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title><id>urn:x</id><updated>2024-06-18T00:00:00Z</updated>
    <entry><title>Seed four</title><id>urn:4</id><link href="https://atom.example/4"/>
    <published>2024-06-18T06:00:00Z</published><updated>2024-06-18T07:00:00Z</updated>
    <content type="html">{escape(paragraphs_html(seed_text(seeds_dir, "004")))}</content></entry></feed>"""
    path = tmp_path / "desk.atom"
    path.write_text(atom, encoding="utf-8")
    store, run = ingest(tmp_path, [path])
    assert run.ingested == 1, run.rejected
    (a,) = store.get_many(run.article_ids)
    assert (a.title, a.outlet, a.url, a.published.value) == ("Seed four", "Atom Desk", "https://atom.example/4", "2024-06-18")


def test_ingest_feed_declared_latin1_not_decoded_twice(tmp_path: Path) -> None:
    """Regression: the XML declaration's charset was applied again to already-decoded text."""
    body = "<p>" + "Le président de la République a annoncé à Paris une réforme très attendue. " * 12 + "</p>"
    rss = f"""<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>Le Journal</title>
    <item><title>Réforme à Paris</title><description>{escape(body)}</description></item></channel></rss>"""
    path = tmp_path / "fr.xml"
    path.write_bytes(rss.encode("latin-1"))
    store, run = ingest(tmp_path, [path])
    assert run.ingested == 1, run.rejected
    (a,) = store.get_many(run.article_ids)
    assert a.title == "Réforme à Paris"
    assert "président de la République" in a.text


def test_ingest_feed_truncated_entry_named(tmp_path: Path) -> None:
    """Regression: a cut-off feed gave an entry with no body, reported as "no main text in the HTML"."""
    path = tmp_path / "cut.rss"
    path.write_text("<rss><channel><title>T</title><item><title>x</ti", encoding="utf-8")
    _, run = ingest(tmp_path, [path])
    (bad,) = run.rejected
    assert bad.code == "E105"
    assert bad.location.startswith(str(path))


# -- encodings and compression ---------------------------------------------------------------
def test_ingest_cp1252_file_decoded(tmp_path: Path, seeds_dir: Path) -> None:
    original = seed_text(seeds_dir, "004")  # curly quotes -> cp1252 0x91-0x94
    path = tmp_path / "cp1252.txt"
    path.write_bytes(original.encode("cp1252"))
    store, run = ingest(tmp_path, [path])
    (a,) = store.get_many(run.article_ids)
    assert a.origin.encoding == "cp1252"
    (ref,) = [clean_document(d) for d in documents([sorted(seeds_dir.glob("004_*"))[0]])]  # type: ignore[arg-type]
    assert a.text == ref.text and a.id == ref.id
    assert "“highly appreciated" in a.text


def test_ingest_latin1_french_file_decoded(tmp_path: Path, data_dir: Path) -> None:
    """Regression: charset-normalizer read latin-1 French as cp1250 ("à" -> "ŕ")."""
    paras = [p for p in expected_paragraphs(data_dir, "lemonde-1") if all(ord(c) < 256 for c in p)]
    assert len(paras) >= 4
    text = "\n\n".join(paras)
    path = tmp_path / "latin1.txt"
    path.write_bytes(text.encode("latin-1"))
    store, run = ingest(tmp_path, [path])
    (a,) = store.get_many(run.article_ids)
    assert a.text == text
    assert a.lang == "fr"


def test_ingest_decode_keeps_non_latin_single_byte() -> None:
    """The windows-1252 preference must not swallow Cyrillic code pages."""
    text = "Президент России Владимир Путин прибыл в Пхеньян с государственным визитом. " * 4
    for enc in ("cp1251", "koi8-r"):
        decoded, _ = decode_bytes(text.encode(enc), "ru.txt")
        assert decoded == text


@pytest.mark.parametrize("enc", ["utf-16", "utf-16-le"])
def test_ingest_utf16_file_decoded(tmp_path: Path, seeds_dir: Path, enc: str) -> None:
    """UTF-16 with a BOM, and (regression) without one: was refused as binary for its NULs."""
    original = seed_text(seeds_dir, "002")
    path = tmp_path / "utf16.txt"
    path.write_bytes(original.encode(enc))
    store, run = ingest(tmp_path, [path])
    assert run.ingested == 1, run.rejected
    (a,) = store.get_many(run.article_ids)
    assert a.origin.encoding.startswith("utf-16")
    assert a.title and a.title.startswith("Putin’s mission")


def test_ingest_utf16_truncated_is_one_error(tmp_path: Path) -> None:
    """Regression: an odd-length UTF-16 file raised UnicodeDecodeError and ended the whole run."""
    path = tmp_path / "odd.txt"
    path.write_bytes(b"\xff\xfe" + "Hello world, this is text.".encode("utf-16-le") + b"A")
    _, run = ingest(tmp_path, [path])
    (bad,) = run.rejected
    assert (bad.location, bad.code) == (str(path), "E102")


def test_ingest_gzip_text_and_html(tmp_path: Path, seeds_dir: Path, data_dir: Path) -> None:
    (tmp_path / "seed.txt.gz").write_bytes(gzip.compress(seed_text(seeds_dir, "001").encode("utf-8")))
    (tmp_path / "page.html.gz").write_bytes(gzip.compress((page_dir(data_dir, "bbc-1") / "source.html").read_bytes()))
    store, run = ingest(tmp_path, [tmp_path / "seed.txt.gz", tmp_path / "page.html.gz"])
    assert (run.ingested, run.rejected) == (2, [])
    titles = sorted(a.title or "" for a in store.get_many(run.article_ids))
    assert titles == ["Obama admits US gun laws are his 'biggest frustration'",
                      "Putin to visit North Korea for the first time in over two decades"]


def test_ingest_corrupt_gzip_named(tmp_path: Path, seeds_dir: Path) -> None:
    data = gzip.compress(seed_text(seeds_dir, "001").encode("utf-8"))
    path = tmp_path / "cut.txt.gz"
    path.write_bytes(data[: len(data) // 2])
    _, run = ingest(tmp_path, [path])
    (bad,) = run.rejected
    assert (bad.location, bad.code) == (str(path), "E115")  # truncated, not merely "binary"
    assert "truncated gzip stream at offset 0" in bad.message


# -- manifests --------------------------------------------------------------------------------
def test_ingest_manifest_csv_and_jsonl_applied_not_ingested(tmp_path: Path, seeds_dir: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "kyiv.txt").write_text(seed_text(seeds_dir, "000"), encoding="utf-8")
    (corpus / "plain.txt").write_text(seed_text(seeds_dir, "001"), encoding="utf-8")
    (corpus / "sub" / "daily.txt").write_text(seed_text(seeds_dir, "003"), encoding="utf-8")
    (corpus / "manifest.csv").write_text(
        "path,outlet,url,published\nkyiv.txt,Ukrainian News,https://ukr.example/1,2024-06-18\n", encoding="utf-8"
    )
    (corpus / "sub" / "manifest.jsonl").write_text(
        json.dumps({"path": "daily.txt", "outlet": "Daily Example", "url": "https://daily.example/2", "published": "2024-06-17"}) + "\n",
        encoding="utf-8",
    )
    store, run = ingest(tmp_path, [corpus])
    assert (run.ingested, run.rejected, run.failed) == (3, [], [])
    arts = {Path(a.origin.location).name: a for a in store.get_many(run.article_ids)}
    assert sorted(arts) == ["daily.txt", "kyiv.txt", "plain.txt"]  # manifests themselves not ingested
    kyiv, daily, plain = arts["kyiv.txt"], arts["daily.txt"], arts["plain.txt"]
    assert (kyiv.outlet, kyiv.url, kyiv.published.value, kyiv.published.precision) == (
        "Ukrainian News", "https://ukr.example/1", "2024-06-18", "day")
    assert kyiv.published.evidence[0].source == "manifest"
    assert kyiv.extras["outlet_source"] == "given"
    assert (daily.outlet, daily.url, daily.published.value) == ("Daily Example", "https://daily.example/2", "2024-06-17")
    # the manifest date outranks the page-header crawl date, which now disagrees with it
    assert daily.published.conflict
    assert plain.outlet == "" and plain.url is None


def test_ingest_manifest_bad_row_named(tmp_path: Path, seeds_dir: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(seed_text(seeds_dir, "002"), encoding="utf-8")
    (corpus / "manifest.csv").write_text("path,outlet\n,Nobody\n", encoding="utf-8")
    _, run = ingest(tmp_path, [corpus])
    assert run.ingested == 1
    (bad,) = run.rejected
    assert (bad.location, bad.code) == (str(corpus / "manifest.csv"), "E112")
