"""A partial, offline check of the PDF/A-3b properties ``finalize_pdfa`` is meant to give.

Not a conformance validator (that is veraPDF's job, which is not available here): it checks the things that
usually break — header version and binary comment, file identifier, no encryption, the output intent with an RGB
ICC profile, XMP with pdfaid part 3 / conformance B that agrees with the document info, every font embedded, every
annotation printable, and embedded files declared as associated files with MIME type and modification date.
It also walks the incremental updates that signing adds, so it can be run on signed files.
"""

from __future__ import annotations

import io
import re


def pdfa3b_problems(pdf: bytes) -> list[str]:
    """Returns what is wrong (empty list: every checked property holds)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader

    problems: list[str] = []
    if not re.match(rb"%PDF-1\.[0-7]\r?\n", pdf[:10]):
        problems.append("header is not %PDF-1.0 .. %PDF-1.7")
    second = pdf.split(b"\n", 2)[1] if pdf.count(b"\n") > 1 else b""
    if not (second.startswith(b"%") and sum(1 for b in second[1:5] if b > 127) == 4):
        problems.append("second line is not a comment with four bytes above 127")
    r = PdfFileReader(io.BytesIO(pdf), strict=False)
    if r.encrypted:
        problems.append("encrypted")
    if "/ID" not in r.trailer_view:
        problems.append("no file identifier in the trailer")
    root = r.root
    problems += _output_intent_problems(root)
    problems += _xmp_problems(r)
    problems += _font_and_annotation_problems(r)
    problems += _attachment_problems(root)
    del generic
    return problems


def _output_intent_problems(root) -> list[str]:
    intents = root.get("/OutputIntents")
    if not intents:
        return ["no /OutputIntents"]
    out = []
    pdfa = [i.get_object() for i in intents if i.get_object().get("/S") == "/GTS_PDFA1"]
    if not pdfa:
        out.append("no output intent with /S /GTS_PDFA1")
    for intent in pdfa:
        profile = intent.get("/DestOutputProfile")
        if profile is None:
            out.append("output intent without /DestOutputProfile")
            continue
        data = profile.get_object().data
        if data[36:40] != b"acsp" or data[16:20] != b"RGB ":
            out.append("output profile is not an RGB ICC profile")
        if data[8] >= 5:
            out.append(f"ICC profile version {data[8]}.x is too new for PDF 1.7")
    return out


def _xmp_problems(r) -> list[str]:
    meta = r.root.get("/Metadata")
    if meta is None:
        return ["no XMP /Metadata in the catalog"]
    stream = meta.get_object()
    if "/Filter" in stream:
        return ["XMP metadata stream is compressed (PDF/A-1 forbids it; kept plain for every part)"]
    xmp = stream.data.decode("utf-8", errors="replace")
    out = []
    if not re.search(r'pdfaid:part(="3"|>3<)', xmp):
        out.append("XMP lacks pdfaid:part=3")
    if not re.search(r'pdfaid:conformance(="B"|>B<)', xmp):
        out.append("XMP lacks pdfaid:conformance=B")
    info = r.trailer_view.get("/Info")
    if info is not None:
        info = info.get_object()
        producer = info.get("/Producer")
        if producer is not None and f'pdf:Producer="{producer}"' not in xmp and f">{producer}<" not in xmp:
            out.append("document info /Producer differs from XMP pdf:Producer")
        title = info.get("/Title")
        if title is not None and str(title) not in xmp:
            out.append("document info /Title differs from XMP dc:title")
    return out


def _font_and_annotation_problems(r) -> list[str]:
    out = []
    seen: set[int] = set()
    for page_ix in range(int(r.root["/Pages"]["/Count"])):
        page = r.find_page_for_modification(page_ix)[0].get_object()
        for res in _resources(page):
            for font_ref in _dict_values(res.get("/Font")):
                key = id(font_ref.get_object())
                if key in seen:
                    continue
                seen.add(key)
                name = _font_problem(font_ref.get_object())
                if name:
                    out.append(name)
        for annot in page.get("/Annots", ()):
            a = annot.get_object()
            flags = int(a.get("/F", 0))
            if not flags & 4:
                out.append(f"annotation {a.get('/Subtype')} is not marked printable")
    return out


def _resources(obj, depth: int = 0):
    """A page's resources and those of the form XObjects it uses (a seal's appearance has its own)."""
    if depth > 6:
        return
    res = obj.get("/Resources")
    if res is None:
        return
    res = res.get_object()
    yield res
    for x in _dict_values(res.get("/XObject")):
        xo = x.get_object()
        if xo.get("/Subtype") == "/Form":
            yield from _resources(xo, depth + 1)
    for annot in obj.get("/Annots", ()):
        ap = annot.get_object().get("/AP")
        if ap is not None and "/N" in ap.get_object():
            yield from _resources(ap.get_object()["/N"].get_object(), depth + 1)


def _dict_values(d):
    if d is None:
        return []
    d = d.get_object()
    return [d.raw_get(k) if hasattr(d, "raw_get") else d[k] for k in d]


def _font_problem(font) -> str | None:
    subtype = font.get("/Subtype")
    if subtype == "/Type0":
        descendant = font["/DescendantFonts"][0].get_object()
        return _font_problem(descendant)
    if subtype == "/Type3":
        return None  # glyphs are content streams: nothing to embed
    desc = font.get("/FontDescriptor")
    name = font.get("/BaseFont")
    if desc is None:
        return f"font {name} has no font descriptor (a standard 14 font, not embedded)"
    desc = desc.get_object()
    if not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
        return f"font {name} is not embedded"
    return None


def _attachment_problems(root) -> list[str]:
    out = []
    af = root.get("/AF")
    names = root.get("/Names")
    tree = names.get_object().get("/EmbeddedFiles") if names is not None else None
    if tree is None:
        return out
    entries = tree.get_object().get("/Names", [])
    af_ids = {ref.get_object().get("/UF") for ref in (af or [])}
    for i in range(1, len(entries), 2):
        spec = entries[i].get_object()
        name = spec.get("/UF") or spec.get("/F")
        if "/AFRelationship" not in spec:
            out.append(f"attachment {name} has no /AFRelationship")
        if name not in af_ids:
            out.append(f"attachment {name} is not listed in the catalog's /AF")
        ef = spec["/EF"].get_object()["/F"].get_object()
        if "/Subtype" not in ef:
            out.append(f"attachment {name} has no MIME type (/Subtype)")
        params = ef.get("/Params")
        if params is None or "/ModDate" not in params.get_object():
            out.append(f"attachment {name} has no /Params /ModDate")
    return out
