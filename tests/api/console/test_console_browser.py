"""The clerk's console in a real browser (Debian's headless Chromium via Selenium) against a real
``docintel serve`` on 127.0.0.1: log in, open a case, upload the committed ID card and contract samples (file input
and drag-and-drop), see the fields boxed on the pages, correct fields until the checks pass, sign on the pad with
pointer events, finalize, and check the signed application: TOTAL-PASSED, with the signature drawn on the page.
Screenshots of every page go to var/screenshots/."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from config.settings import PROJECT_ROOT
from devtools.server_process import ServerProcess
from tests.browser import (
    Browser,
    chromium_paths,
    create_case,
    login,
    replace_page,
    upload_by_drop,
    upload_with_input,
    wait_for,
)

pytestmark = pytest.mark.skipif(
    chromium_paths() is None, reason="chromium and chromium-driver NOT FOUND (Debian packages): browser tests skipped"
)

ID_BOTH = PROJECT_ROOT / "samples" / "idcards" / "idcard_0002_easy_both.jpg"  # front and back in one frame: 廖琪
FRONT_ALONE = (0, 440, 810, 1020)  # the front card's part of that frame (samples/idcards/ground_truth.json)
CONTRACT_P1 = PROJECT_ROOT / "samples" / "contracts" / "purchase_contract_gf2014_camera_p1.jpg"
CONTRACT_NO = "YS2021511908"
APPLICANT_ID = "440106199805171648"
SHOTS = PROJECT_ROOT / "var" / "screenshots"


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> tuple[Path, dict]:
    """The sample registry, with this applicant registered as a buyer of the sample contract (the committed
    ID card and contract are of different invented people)."""
    data = json.loads((PROJECT_ROOT / "samples" / "registry" / "registry.json").read_text(encoding="utf-8"))
    record = data["sources"]["housing"][CONTRACT_NO]
    record["buyer_id_number"] = [APPLICANT_ID]
    record["buyer_name"] = ["廖琪"]
    path = tmp_path_factory.mktemp("console-registry") / "registry.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path, record


@pytest.fixture(scope="module")
def server(tmp_path_factory, registry):
    var = tmp_path_factory.mktemp("var-console")
    env = {
        "DOCINTEL_VAR_DIR": str(var),
        "DOCINTEL_CHECKS__REGISTRY_FILE": str(registry[0]),
        "DOCINTEL_STORAGE__DATABASE_URL": f"sqlite:///{var / 'docintel.db'}",
    }
    with ServerProcess(env=env, log_path=var / "server.log") as srv:
        yield srv


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b.driver
    b.quit()


def shot(driver, name: str) -> Path:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    driver.execute_script("window.scrollTo(0, 0)")
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1440, min(max(int(height) + 40, 900), 4000))
    driver.save_screenshot(str(path))
    driver.set_window_size(1440, 1000)
    return path


def _js(driver, script: str, *args):  # type: ignore[no-untyped-def]
    return driver.execute_script(script, *args)


def _state(driver) -> str:  # type: ignore[no-untyped-def]
    return _js(driver, "return document.getElementById('state-token').dataset.state")


def _check_boxes(driver, api_case: dict) -> int:  # type: ignore[no-untyped-def]
    """Every field with a box in the API's answer has exactly one box on its page, inside the image, where its
    bbox says."""
    drawn = 0
    for doc in api_case["documents"]:
        pages = doc["extraction"]["pages"]
        for name, field in doc["fields"].items():
            machine = field["machine"] or {}
            if machine.get("bbox") is None or machine.get("page") is None:
                continue
            size = pages[machine["page"]]["size"]
            geo = _js(
                driver,
                """
                const [doc, page, field] = arguments;
                const fig = document.querySelector(`figure.page[data-doc="${doc}"][data-page="${page}"]`);
                const img = fig.querySelector('img.page-img');
                const boxes = fig.querySelectorAll(`.box[data-field="${doc}:${field}"]`);
                const r = img.getBoundingClientRect();
                return {count: boxes.length, img: [r.left, r.top, r.width, r.height], loaded: img.naturalWidth,
                        box: boxes.length ? (() => { const b = boxes[0].getBoundingClientRect();
                                                     return [b.left, b.top, b.right, b.bottom]; })() : null};
                """,
                doc["id"],
                machine["page"],
                name,
            )
            assert geo["count"] == 1, (name, geo)
            assert geo["loaded"] > 0, f"page image of {name} not loaded"
            left, top, width, height = geo["img"]
            x0, y0, x1, y1 = geo["box"]
            assert left - 1 <= x0 < x1 <= left + width + 1 and top - 1 <= y0 < y1 <= top + height + 1, (name, geo)
            bx0, by0 = machine["bbox"][0] / size[0] * width + left, machine["bbox"][1] / size[1] * height + top
            assert abs(x0 - bx0) < 3 and abs(y0 - by0) < 3, (name, geo, machine["bbox"], size)
            drawn += 1
    on_page = _js(driver, "return document.querySelectorAll('#case-body .box').length")
    assert on_page == drawn
    return drawn


def _draw_signature(driver) -> None:  # type: ignore[no-untyped-def]
    """Two strokes with real input events: a mouse, then a pen (W3C pointer actions)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.actions import interaction
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput
    from selenium.webdriver.common.by import By

    pad = driver.find_element(By.ID, "signature-pad")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", pad)
    w = pad.size["width"]
    chain = ActionChains(driver).move_to_element_with_offset(pad, -w // 3, 0).click_and_hold()
    for i in range(1, 25):
        chain.move_by_offset(w // 60, (-1) ** i * 25)
    chain.release().perform()
    pen = ActionBuilder(driver, mouse=PointerInput(interaction.POINTER_PEN, "pen"))
    pen.pointer_action.move_to(pad, w // 8, -25).pointer_down()
    for i in range(1, 20):
        pen.pointer_action.move_to(pad, w // 8 + 6 * i, -25 + 3 * i)
    pen.pointer_action.pointer_up()
    pen.perform()


def _correct(driver, doc_id: str, field: str, value: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    before = _state(driver)
    box = driver.find_element(By.ID, f"v-{doc_id}-{field}")
    box.clear()
    box.send_keys(value)
    box.submit()
    wait_for(lambda: _state(driver) != before, what=f"the checks to re-run after correcting {field}")


def _errors(driver) -> int:  # type: ignore[no-untyped-def]
    return _js(driver, "return document.querySelectorAll('#findings .finding.error').length")


def _signature_region(pdf: bytes, tmp: Path) -> tuple[np.ndarray, np.ndarray]:
    """The signature's region of the application's page rendered by poppler, from the PDF as signed and from the
    same PDF with the signature image taken out (the blank)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = pdfium.PdfDocument(pdf)
    found = None
    for n in range(len(doc)):
        page = doc[n]
        for obj in page.get_objects(max_depth=1):
            if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE and tuple(obj.get_px_size()) == (600, 200):
                found = (n, obj.get_bounds(), page.get_size())
                page.remove_obj(obj)
                page.gen_content()
                break
        if found:
            break
    assert found is not None, "no 600x200 signature image on any page of the application"
    number, (left, bottom, right, top), (_, page_h) = found
    blank = tmp / "blank.pdf"
    doc.save(str(blank))
    signed = tmp / "signed.pdf"
    signed.write_bytes(pdf)
    scale = 100 / 72
    box = (int(left * scale), int((page_h - top) * scale), int(right * scale) + 1, int((page_h - bottom) * scale) + 1)
    crops = []
    for path in (signed, blank):
        out = tmp / path.stem
        subprocess.run(
            ["pdftoppm", "-r", "100", "-f", str(number + 1), "-l", str(number + 1), "-png", "-singlefile", path, out],
            check=True,
            timeout=120,
        )
        image = Image.open(f"{out}.png").convert("L")
        crops.append(np.asarray(image.crop(box), dtype=np.int16))
    return crops[0], crops[1]


def test_counter_transaction_in_the_browser(server, browser, registry, tmp_path):
    key = server.create_key(role="counter", branch="CONSOLE1")
    api = httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=300)
    driver = browser
    login(driver, server.base_url, key)
    case_id = create_case(driver, server.base_url, "purchase_withdrawal")
    assert _errors(driver) > 0  # no materials yet

    # Upload: the ID card frame (front and back) through the file input, the contract page by drag-and-drop.
    first = upload_with_input(driver, ID_BOTH)
    assert first["boxes"] >= 6
    second = upload_by_drop(driver, CONTRACT_P1)
    assert second["boxes"] >= 1
    case = api.get(f"/v1/cases/{case_id}").json()
    assert [d["doc_type"] for d in case["documents"]] == ["id_card_front", "id_card_back", "purchase_contract"]
    drawn = _check_boxes(driver, case)
    assert drawn >= 10
    # The crops stored with the cards are shown and load: the front's card and portrait, the back's card.
    shown = _js(
        driver,
        """return [...document.querySelectorAll('#case-body figure.crop')].map((f) => {
             const img = f.querySelector('img'); return [f.closest('article').id, f.dataset.kind,
             img.complete && img.naturalWidth > 0, img.getBoundingClientRect().width]; });""",
    )
    front_doc, back_doc, contract_doc = (f"doc-{d['id']}" for d in case["documents"])
    expected = [(front_doc, "document"), (front_doc, "portrait"), (back_doc, "document"), (contract_doc, "document")]
    assert [(a, k) for a, k, _, _ in shown] == expected
    wait_for(
        lambda: _js(
            driver, "return [...document.querySelectorAll('img.crop-img')].every((i) => i.complete && i.naturalWidth)"
        ),
        what="the crops to load",
    )
    assert all(width > 40 for *_, width in shown)
    shot(driver, "case-uploaded")

    # Click a field: its box is highlighted; the reshoot list names the contract's missing fields.
    front = case["documents"][0]["id"]
    driver.find_element("css selector", f'.show-box[data-field="{front}:id_number"]').click()
    assert _js(
        driver, f"return document.querySelector('.box[data-field=\"{front}:id_number\"]').classList.contains('hi')"
    )
    assert _js(driver, "return document.querySelectorAll('#reshoot li').length") >= 1
    assert _js(driver, "return document.getElementById('finalize').disabled")

    # The reshoot list's "replace this page": the card front photographed again, alone (cut from the same frame).
    retake = tmp_path / "front_again.jpg"
    Image.open(ID_BOTH).crop(FRONT_ALONE).save(retake, quality=90)
    versions = len(case["documents"][0]["versions"])
    replace_page(driver, front, 0, retake)
    again = api.get(f"/v1/cases/{case_id}").json()["documents"][0]
    assert again["id"] == front and again["doc_type"] == "id_card_front"
    assert len(again["versions"]) == versions + 1 and again["extraction"]["reason"] == "page_replaced"
    assert again["fields"]["id_number"]["value"] == APPLICANT_ID
    assert again["files"][0]["filename"] == retake.name

    # Corrections: each re-runs the checks, until they pass.
    contract = case["documents"][2]["id"]
    _, record = registry
    errors = _errors(driver)
    for field, value in [
        ("buyer_name", "廖琪"),
        ("buyer_id_number", APPLICANT_ID),
        ("property_address", record["property_address"]),
        ("total_price", record["total_price"]),
        ("signing_date", record["signing_date"]),
    ]:
        _correct(driver, contract, field, value)
        now = _errors(driver)
        assert now < errors, f"correcting {field} did not clear a finding ({errors} → {now})"
        errors = now
    assert errors == 0
    assert _js(driver, "return document.getElementById('check-state').classList.contains('ok')")
    stored = api.get(f"/v1/cases/{case_id}").json()["documents"][2]["fields"]["buyer_name"]
    assert stored["source"] == "correction" and stored["value"] == "廖琪"
    # Checks pass, but purchase_withdrawal needs the applicant's signature: finalize stays off.
    assert _js(driver, "return document.getElementById('finalize').disabled")
    assert driver.find_element("id", "finalize-why").text.strip() in ("暂不能办结：缺少申请人签名",)

    # Sign on the pad and accept: the signature is stored and shown; finalize comes on.
    _draw_signature(driver)
    driver.find_element("id", "signature-accept").click()
    wait_for(lambda: _js(driver, "return !!document.getElementById('signature-saved')"), what="the stored signature")
    wait_for(
        lambda: _js(
            driver, "const i = document.getElementById('signature-saved'); return i.complete && i.naturalWidth"
        ),
        what="the stored signature to load",
    )
    assert not _js(driver, "return document.getElementById('finalize').disabled")
    shot(driver, "case-signed")

    driver.find_element("id", "finalize").click()
    wait_for(lambda: _js(driver, "return !!document.getElementById('download-application')"), what="finalize")
    assert _js(driver, "return document.getElementById('case-status').classList.contains('finalized')")
    shot(driver, "case-finalized")

    # The application as the console serves it (the browser's own session cookie), verified and looked at.
    cookie = driver.get_cookie("docintel_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    href = _js(driver, "return document.getElementById('download-application').href")
    pdf = httpx.get(href, cookies={"docintel_console": cookie["value"]}, timeout=60)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    report = api.post("/v1/verify", files={"file": ("application.pdf", pdf.content, "application/pdf")}).json()
    assert [s["indication"] for s in report["signatures"]] == ["TOTAL-PASSED"]
    signed, blank = _signature_region(pdf.content, tmp_path)
    assert (blank < 128).mean() < 0.002, "the blank render has ink where the signature goes"
    assert (signed < 128).mean() > 0.01, "no signature ink on the rendered application"
    assert np.abs(signed - blank).mean() > 3

    # The case list shows it finalized, with the applicant masked.
    driver.get(server.base_url + "/console/")
    page = driver.page_source
    assert case_id in page and APPLICANT_ID not in page and "4401**********1648" in page
    shot(driver, "cases")


def test_other_branch_sees_404_and_the_login_page(server, browser):
    owner = server.create_key(role="counter", branch="CONSOLE2")
    stranger = server.create_key(role="counter", branch="CONSOLE3")
    case_id = httpx.post(
        server.base_url + "/v1/cases",
        json={"business_type": "retirement_withdrawal"},
        headers={"Authorization": f"Bearer {owner}"},
    ).json()["id"]
    driver = browser
    driver.delete_all_cookies()
    driver.get(server.base_url + "/console/")
    wait_for(lambda: driver.current_url.endswith("/console/login"), what="the redirect to the login page")
    shot(driver, "login")
    from selenium.webdriver.common.by import By

    driver.find_element(By.ID, "key").send_keys("dik_0000000000000000_" + "x" * 43)
    driver.find_element(By.ID, "login-submit").click()
    error = wait_for(lambda: driver.find_elements(By.ID, "login-error"), what="the login error")[0]
    assert "API 密钥无效" in error.text
    login(driver, server.base_url, stranger)
    driver.get(server.base_url + f"/console/cases/{case_id}")
    wait_for(lambda: "404" in driver.title, what="the 404 page")
    assert "业务案件不存在" in driver.find_element(By.TAG_NAME, "main").text
    shot(driver, "not-found")
    # The same answer to the console's script calls: 404, never the case.
    status = driver.execute_script(
        "return fetch(arguments[0], {headers: {Accept: 'application/json'}}).then((r) => r.status)",
        f"/console/cases/{case_id}/state",
    )
    assert status == 404


@pytest.mark.slow  # ~35 s on 2 cores (a second app, OCR, B-LTA signing); tests/api/console/test_console_override.py
# covers the same over HTTP in the default run
def test_a_flagged_card_is_finalized_with_the_clerks_reason(server, browser, registry):
    """A case whose ID card front was flagged ``photocopy`` (stored through the normal upload path by an app in this
    process, sharing the server's database and blobs; ``capture.frame.assess`` wrapped as the detector would set
    the flag): the console lists the flag, asks for the reason, and finalizes with it."""
    from sqlalchemy import select

    from api.app import create_app
    from config.settings import Settings, StorageSettings
    from storage.models import AuditEvent
    from tests.api.console.test_console_http import _signed_in
    from tests.api.console.test_console_override import new_sample, upload_flagged_case

    var = Path(server.env["DOCINTEL_VAR_DIR"])
    base = Settings()
    settings = base.model_copy(
        update={
            "var_dir": var,
            "storage": StorageSettings(
                database_url=server.env["DOCINTEL_STORAGE__DATABASE_URL"], blob_dir=var / "blobs"
            ),
            "checks": base.checks.model_copy(
                update={"registry_file": Path(server.env["DOCINTEL_CHECKS__REGISTRY_FILE"])}
            ),
        }
    )
    key = server.create_key(role="counter", branch="CONSOLE4")
    sample = new_sample()
    # The registry learns of this applicant (the server reads the file again when it changes).
    data = json.loads(registry[0].read_text(encoding="utf-8"))
    for source, records in sample.records.items():
        data["sources"].setdefault(source, {}).update(records)
    registry[0].write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    app = create_app(settings)
    try:
        client, csrf = _signed_in(app, key)
        case_id = upload_flagged_case(client, csrf, sample)
        driver = browser
        driver.delete_all_cookies()
        login(driver, server.base_url, key)
        driver.get(f"{server.base_url}/console/cases/{case_id}")
        wait_for(lambda: driver.find_elements("id", "trust-flags"), what="the ID card warnings")
        assert "疑似复印件" in driver.find_element("id", "trust-flags").text
        _draw_signature(driver)
        driver.find_element("id", "signature-accept").click()
        wait_for(lambda: _js(driver, "return !!document.getElementById('signature-saved')"), what="the signature")
        # Finalize with an empty reason is stopped in the page; with one it goes through.
        driver.find_element("id", "finalize").click()
        assert _js(driver, "return document.activeElement.id") == "override-reason"
        assert _js(driver, "return document.getElementById('case-status').classList.contains('open')")
        driver.find_element("id", "override-reason").send_keys("原件已当面核验")
        shot(driver, "case-flagged")
        driver.find_element("id", "finalize").click()
        wait_for(lambda: _js(driver, "return !!document.getElementById('download-application')"), what="finalize")
        assert not driver.find_elements("id", "override-reason")
        shot(driver, "case-flagged-finalized")
        with app.state.services.db.session() as s:
            (event,) = s.scalars(
                select(AuditEvent).where(
                    AuditEvent.subject_id == case_id, AuditEvent.action == "case.finalize_override"
                )
            ).all()
        assert event.detail["reason"] == "原件已当面核验" and event.branch == "CONSOLE4"
    finally:
        app.state.core.close()
