"""Case use cases, called directly (no HTTP), with real OCR on a generated case, over SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config.settings import Settings, StorageSettings, get_settings
from devtools.pg_cluster import find_pg_bin, shared_server
from domain.errors import Conflict, NotFound
from extractors.engines import get_engine
from pipeline.cases import records, upload
from pipeline.cases.records import CaseFinalized
from pipeline.idempotency import IdempotencyKeyReused
from pipeline.keys import Principal, Role, create_api_key
from pipeline.services import CaseServices
from storage import migrate
from storage.blobs import LocalBlobStore, sha256_hex
from storage.db import Database
from storage.models import Document, DocumentFile, Extraction, FieldCorrection, ReplacedDocumentFile

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from samples.generator.case import make_case, write_case

    out = tmp_path_factory.mktemp("case")
    s = make_case(11, business="purchase_withdrawal", contract_form="camera", contract_pages=2)
    write_case(s, out)
    return s, out


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def services(request, tmp_path_factory, sample) -> CaseServices:
    tmp = tmp_path_factory.mktemp(f"svc-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'docintel.db'}"
    else:
        if find_pg_bin() is None:
            pytest.skip("PostgreSQL binaries NOT FOUND (install Debian's postgresql): PostgreSQL tests skipped")
        url = shared_server().create_database()
    base = Settings()
    settings = base.model_copy(
        update={
            "storage": StorageSettings(database_url=url, blob_dir=tmp / "blobs"),
            "checks": base.checks.model_copy(
                update={"registry": "local", "registry_file": sample[1] / "registry.json"}
            ),
        }
    )
    db = Database(settings.storage)
    migrate.upgrade(db)
    yield CaseServices(
        db=db, blobs=LocalBlobStore(tmp / "blobs"), settings=settings, engine=get_engine(settings=get_settings().ocr)
    )
    db.dispose()


def _principal(services: CaseServices, branch: str, role: str = "counter") -> Principal:
    key = create_api_key(services.db, role=role, branch=branch)
    return Principal(key_id=key.key_id, role=Role(role), branch=branch)


@pytest.fixture(scope="module")
def filled(services, sample):
    """A case with every document of the sample uploaded, contract pages appended one frame at a time."""
    s, _ = sample
    who = _principal(services, "P1")
    case_id = records.create_case(
        services, principal=who, business_type=s.business, business_date=s.business_date.isoformat()
    ).body["id"]
    answers = []
    for doc in s.documents:
        document_id = None
        for name, data in doc.files:
            out = upload.add_document(
                services, principal=who, case_id=case_id, filename=name, data=data, append_to=document_id
            )
            document_id = out.body["documents"][0]["id"]
            answers.append(out)
    return {"who": who, "case_id": case_id, "answers": answers, "sample": s}


def test_uploads_are_read_classified_and_checked(services, filled):
    s = filled["sample"]
    details = records.get_case_details(services, principal=filled["who"], case_id=filled["case_id"])
    assert [d["doc_type"] for d in details["documents"]] == [d.doc_type for d in s.documents]
    front = details["documents"][0]["fields"]
    assert front["id_number"]["value"] == s.applicant.id_number
    assert front["id_number"]["machine"]["bbox"] and front["id_number"]["machine"]["file"]
    contract = details["documents"][2]
    pages = len(s.documents[2].files)
    assert len(contract["files"]) == pages
    assert [v["version"] for v in contract["versions"]] == list(range(1, pages + 1))  # one per appended page
    report = details["check_report"]
    assert report["trigger"] == "upload"
    assert report["passed"], report["findings"]


def test_a_correction_is_kept_beside_the_machine_value_and_rechecks(services, filled):
    who, case_id = filled["who"], filled["case_id"]
    details = records.get_case_details(services, principal=who, case_id=case_id)
    front = details["documents"][0]
    machine_name = front["fields"]["name"]["value"]
    out = records.correct_field(
        services,
        principal=who,
        case_id=case_id,
        document_id=front["id"],
        field="name",
        value=machine_name + "某",
        reason="applicant says the card reads differently",
        clerk="E1024",
    )
    field = out["document"]["fields"]["name"]
    assert field["value"] == machine_name + "某" and field["source"] == "correction"
    assert field["machine"]["value"] == machine_name
    assert field["correction"]["clerk"] == "E1024" and field["correction"]["machine_value"] == machine_name
    assert out["check_report"]["trigger"] == "correction"
    assert not out["check_report"]["passed"]  # the name no longer matches the contract's buyer
    with services.db.session() as sess:
        stored = sess.scalars(select(Extraction).where(Extraction.document_id == front["id"])).all()
        assert [e.result["fields"]["name"]["value"] for e in stored] == [machine_name]  # untouched
    # Correcting back restores agreement; both corrections stay on record.
    out = records.correct_field(
        services,
        principal=who,
        case_id=case_id,
        document_id=front["id"],
        field="name",
        value=machine_name,
        reason="undo",
    )
    assert out["check_report"]["passed"]
    with services.db.session() as sess:
        assert sess.scalar(select(func.count()).where(FieldCorrection.document_id == front["id"])) == 2


def test_an_upload_retried_with_its_idempotency_key_creates_one_document(services, filled):
    who, case_id, s = filled["who"], filled["case_id"], filled["sample"]
    name, data = s.documents[1].files[0]
    first = upload.add_document(
        services, principal=who, case_id=case_id, filename=name, data=data, idempotency_key="retry-1"
    )
    again = upload.add_document(
        services, principal=who, case_id=case_id, filename=name, data=data, idempotency_key="retry-1"
    )
    assert again.replayed and not first.replayed
    assert again.body == first.body
    with services.db.session() as sess:
        n = sess.scalar(select(func.count()).select_from(Document).where(Document.case_id == case_id))
    assert n == len(s.documents) + 1
    with pytest.raises(IdempotencyKeyReused):
        upload.add_document(
            services, principal=who, case_id=case_id, filename=name, data=data + b"\0", idempotency_key="retry-1"
        )


def test_another_branch_sees_nothing(services, filled):
    other = _principal(services, "P2")
    with pytest.raises(NotFound):
        records.get_case_details(services, principal=other, case_id=filled["case_id"])
    with pytest.raises(NotFound):
        upload.add_document(
            services, principal=other, case_id=filled["case_id"], filename="x.jpg", data=b"\xff\xd8\xff"
        )


def test_a_crash_between_blob_and_row_leaves_no_row_and_the_retry_succeeds(services, sample, tmp_path):
    """A real crash: a child process stores the blob, starts the write transaction and dies (os._exit) in it."""
    s, _ = sample
    who = _principal(services, "CRASH")
    case_id = records.create_case(services, principal=who, business_type="retirement_withdrawal").body["id"]
    name, data = s.documents[0].files[0]
    frame = tmp_path / name
    frame.write_bytes(data)
    child = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from config.settings import Settings, StorageSettings
        from extractors.engines import get_engine
        from pipeline.cases import upload
        from pipeline.services import CaseServices
        from pipeline.keys import Principal, Role
        from storage.blobs import LocalBlobStore
        from storage.db import Database
        import pipeline.cases.upload_store as cu

        def die(*a, **k):
            os._exit(137)  # the power goes out inside the transaction, after the rows were flushed

        cu.rerun_checks = die
        settings = Settings().model_copy(update={{"storage": StorageSettings(database_url={services.db.settings.database_url!r})}})
        svc = CaseServices(db=Database(settings.storage), blobs=LocalBlobStore({str(services.blobs.root)!r}),
                           settings=settings, engine=get_engine(settings=settings.ocr))
        upload.add_document(svc, principal=Principal({who.key_id!r}, Role.COUNTER, {who.branch!r}),
                                 case_id={case_id!r}, filename={name!r}, data=open({str(frame)!r}, "rb").read(),
                                 idempotency_key="k-crash")
        """
    )
    proc = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=300, env=os.environ)
    assert proc.returncode == 137, proc.stderr[-2000:]
    assert services.blobs.exists(sha256_hex(data))  # the bytes made it; nothing names them
    with services.db.session() as sess:
        assert sess.scalar(select(func.count()).select_from(Document).where(Document.case_id == case_id)) == 0
    retry = upload.add_document(
        services, principal=who, case_id=case_id, filename=name, data=data, idempotency_key="k-crash"
    )
    assert not retry.replayed and len(retry.body["documents"]) == 1
    with services.db.session() as sess:
        for f in sess.scalars(select(DocumentFile)):
            assert services.blobs.exists(f.blob_sha256)  # no row points at missing bytes


def test_a_finalized_case_refuses_changes(services):
    who = _principal(services, "FIN")
    case_id = records.create_case(services, principal=who, business_type="retirement_withdrawal").body["id"]
    with services.db.session() as sess:
        from storage.models import Case

        sess.get(Case, case_id).status = "finalized"
    with pytest.raises(CaseFinalized):
        upload.add_document(services, principal=who, case_id=case_id, filename="a.jpg", data=b"\xff\xd8\xff\xe0")
    with pytest.raises(CaseFinalized):
        records.set_facts(services, principal=who, case_id=case_id, facts={"bank_card_number": "6222020200112233445"})


def test_a_page_photographed_again_replaces_the_old_picture_which_stays_on_record(services, filled):
    s, who, case_id = filled["sample"], filled["who"], filled["case_id"]
    contract = s.documents[2]
    details = records.get_case_details(services, principal=who, case_id=case_id)
    doc = details["documents"][2]
    before = {n: f["value"] for n, f in doc["fields"].items()}
    on_second_page = sorted(n for n, f in doc["fields"].items() if f["machine"]["page"] == 1 and f["value"])
    assert on_second_page  # the test needs a value that only the second page gives
    card_name, card_frame = s.documents[0].files[0]

    # Something else entirely in place of page 2: its values go, page 1's stay, the old picture is kept.
    out = upload.replace_page(
        services, principal=who, case_id=case_id, document_id=doc["id"], page=1, filename=card_name, data=card_frame
    )
    assert out.status == 200
    fields = out.body["documents"][0]["fields"]
    assert all(fields.get(n, {}).get("value") != before[n] for n in on_second_page)
    assert all(fields[n]["value"] == before[n] for n, f in doc["fields"].items() if f["machine"]["page"] == 0)
    with services.db.session() as session:
        row = session.scalars(select(Document).where(Document.id == doc["id"])).one()
        assert [f.blob_sha256 for f in row.files] == [sha256_hex(contract.files[0][1]), sha256_hex(card_frame)]
        kept = session.scalars(select(ReplacedDocumentFile).where(ReplacedDocumentFile.document_id == doc["id"])).all()
        assert [(k.position, k.blob_sha256, k.filename) for k in kept] == [
            (1, sha256_hex(contract.files[1][1]), contract.files[1][0])
        ]
        assert services.blobs.get(kept[0].blob_sha256) == contract.files[1][1]
        assert [e.reason for e in row.extractions][-1] == "page_replaced"

    # The right page again: every value is back.
    out = upload.replace_page(
        services,
        principal=who,
        case_id=case_id,
        document_id=doc["id"],
        page=1,
        filename=contract.files[1][0],
        data=contract.files[1][1],
    )
    assert {n: f["value"] for n, f in out.body["documents"][0]["fields"].items()} == before

    with pytest.raises(NotFound):
        upload.replace_page(
            services,
            principal=who,
            case_id=case_id,
            document_id=doc["id"],
            page=2,
            filename="p.jpg",
            data=contract.files[1][1],
        )


def test_appending_to_a_multi_page_pdf_keeps_all_its_pages(services):
    import random

    from samples.generator.contracts import make_contract

    who = _principal(services, "P3")
    case_id = records.create_case(
        services, principal=who, business_type="purchase_withdrawal", business_date="2025-06-01"
    ).body["id"]
    pdf = make_contract(
        random.Random(3), doc_type="purchase_contract", template="gf2014", form="text_pdf", difficulty="easy", name="c"
    )
    ((name, data),) = pdf.files
    first = upload.add_document(services, principal=who, case_id=case_id, filename=name, data=data)
    doc = first.body["documents"][0]
    frame = make_contract(
        random.Random(3), doc_type="purchase_contract", template="gf2014", form="camera", difficulty="easy", name="c"
    ).files[-1]
    out = upload.add_document(
        services, principal=who, case_id=case_id, filename=frame[0], data=frame[1], append_to=doc["id"]
    )
    pages = out.body["documents"][0]["extraction"]["pages"]
    assert len(pages) == pdf.pages + 1, "every page of the PDF is still read after a page is appended"
    # A page inside a PDF is not replaced on its own: the PDF is sent again whole.
    with pytest.raises(Conflict):
        upload.replace_page(
            services, principal=who, case_id=case_id, document_id=doc["id"], page=0, filename=frame[0], data=frame[1]
        )
