"""Turns reportlab's output into a PDF/A-3b candidate with attachments, in one pyHanko rewrite.

What reportlab does not write and PDF/A-3b needs: an sRGB output intent (the ICC profile is built by Pillow's
LittleCMS, so no profile file has to be installed), XMP metadata with ``pdfaid:part=3 conformance=B`` kept in step
with the document info, a PDF 1.7 header with a binary comment, a file identifier, and embedded files declared as
associated files (``/AF`` with ``/AFRelationship``). ``signing.render.pdfa_check`` checks these properties; a full
ISO 19005-3 validation needs veraPDF, which is not available offline here.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

SRGB_CONDITION = "sRGB IEC61966-2.1"
_ICC_VERSION_4_2 = bytes.fromhex("04200000")  # ICC.1:2004-10, the version ISO 32000-1 (PDF 1.7) refers to


@dataclass(frozen=True)
class Attachment:
    name: str  # file name inside the PDF, e.g. "case.json"
    data: bytes
    mime_type: str  # e.g. "application/json"
    description: str
    relationship: str = "Data"  # AFRelationship: Source, Data, Alternative, Supplement, Unspecified


@dataclass(frozen=True)
class PdfaInfo:
    title: str
    author: str
    subject: str
    creator: str
    created: datetime
    keywords: tuple[str, ...] = ()


def finalize_pdfa(pdf: bytes, *, info: PdfaInfo, attachments: tuple[Attachment, ...] = ()) -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata import model
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    reader = PdfFileReader(io.BytesIO(pdf))
    w = copy_into_new_writer(reader)
    root = w.root

    icc_stream = generic.StreamObject({generic.pdf_name("/N"): generic.NumberObject(3)}, stream_data=srgb_icc())
    icc_stream.compress()
    icc = w.add_object(icc_stream)
    intent = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/OutputIntent"),
            generic.pdf_name("/S"): generic.pdf_name("/GTS_PDFA1"),
            generic.pdf_name("/OutputConditionIdentifier"): generic.TextStringObject(SRGB_CONDITION),
            generic.pdf_name("/Info"): generic.TextStringObject(SRGB_CONDITION),
            generic.pdf_name("/DestOutputProfile"): icc,
        }
    )
    root["/OutputIntents"] = generic.ArrayObject([w.add_object(intent)])
    root["/Lang"] = generic.TextStringObject("zh-CN")
    root["/MarkInfo"] = generic.DictionaryObject({generic.pdf_name("/Marked"): generic.BooleanObject(False)})
    if attachments:
        _embed_attachments(w, attachments, modified=info.created)

    # A fresh /Info with exactly the keys pyHanko keeps in step with the XMP packet (here and again on every
    # signing revision); reportlab's own entries (its Producer, an empty Keywords, Trapped) would disagree with it.
    empty = generic.TextStringObject("")
    w.set_info(
        generic.DictionaryObject(
            {
                generic.pdf_name(k): empty
                for k in ("/Title", "/Author", "/Subject", "/Creator", "/CreationDate", "/ModDate")
            }
            | {generic.pdf_name("/Producer"): generic.TextStringObject(model.VENDOR)}
        )
    )
    meta = w.document_meta
    meta.title = info.title
    meta.author = info.author
    meta.subject = info.subject
    meta.creator = info.creator
    meta.keywords = list(info.keywords)
    meta.created = info.created
    meta.last_modified = info.created
    pdfaid = model.NS["pdfaid"]
    meta.xmp_extra = [
        model.XmpStructure.of(
            (model.ExpandedName(ns=pdfaid, local_name="part"), model.XmpValue("3")),
            (model.ExpandedName(ns=pdfaid, local_name="conformance"), model.XmpValue("B")),
        )
    ]
    w.update_root()
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _embed_attachments(w, attachments: tuple[Attachment, ...], *, modified: datetime) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.embed import EmbeddedFileObject, EmbeddedFileParams

    names = generic.ArrayObject()
    af = generic.ArrayObject()
    for att in sorted(attachments, key=lambda a: a.name):  # a name tree's keys must be sorted
        stream = EmbeddedFileObject.from_file_data(
            w,
            att.data,
            params=EmbeddedFileParams(
                embed_size=True, embed_checksum=True, creation_date=modified, modification_date=modified
            ),
            mime_type=att.mime_type,
        )
        spec = generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Filespec"),
                generic.pdf_name("/F"): generic.TextStringObject(att.name),
                generic.pdf_name("/UF"): generic.TextStringObject(att.name),
                generic.pdf_name("/Desc"): generic.TextStringObject(att.description),
                generic.pdf_name("/AFRelationship"): generic.pdf_name("/" + att.relationship),
                generic.pdf_name("/EF"): generic.DictionaryObject(
                    {generic.pdf_name("/F"): stream.ef_stream_ref, generic.pdf_name("/UF"): stream.ef_stream_ref}
                ),
            }
        )
        ref = w.add_object(spec)
        names.extend([generic.TextStringObject(att.name), ref])
        af.append(ref)
    # Done by hand rather than with pyhanko.pdf_utils.embed.embed_file, which bumps the header to PDF 2.0 when
    # /AFRelationship is set; PDF/A-3 is based on PDF 1.7.
    w.root["/Names"] = generic.DictionaryObject(
        {generic.pdf_name("/EmbeddedFiles"): generic.DictionaryObject({generic.pdf_name("/Names"): names})}
    )
    w.root["/AF"] = af
    # Show the attachments panel when the file is opened, so a person sees that case.json is there.
    w.root["/PageMode"] = generic.pdf_name("/UseAttachments")


@lru_cache(maxsize=1)
def srgb_icc() -> bytes:
    """An sRGB ICC profile from LittleCMS (via Pillow), labelled version 4.2 with its profile ID recomputed."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[8:12] = _ICC_VERSION_4_2  # the tags LittleCMS writes for sRGB all exist in ICC v4.2
    # Profile ID (ICC.1 7.2.18): MD5 of the profile with flags, rendering intent and the ID field zeroed.
    probe = bytearray(data)
    probe[44:48] = b"\0" * 4
    probe[64:68] = b"\0" * 4
    probe[84:100] = b"\0" * 16
    data[84:100] = hashlib.md5(bytes(probe)).digest()  # the ICC spec mandates MD5 here
    return bytes(data)
