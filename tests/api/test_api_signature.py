"""``PUT /v1/cases/{id}/signature``: counter software with a hardware signature pad attaches the applicant's
signature; it is checked, kept per branch, and drawn into the application at finalize."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def _png(ink: bool = True) -> bytes:
    image = Image.new("L", (400, 120), 255)
    if ink:
        ImageDraw.Draw(image).line([(20, 100), (150, 20), (380, 90)], fill=0, width=5)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_signature_over_the_api(client, make_key, branch):
    headers = make_key("counter", branch)
    case_id = client.post("/v1/cases", json={"business_type": "retirement_withdrawal"}, headers=headers).json()["id"]
    put = {**headers, "Content-Type": "image/png"}
    r = client.put(f"/v1/cases/{case_id}/signature", content=_png(), headers=put)
    assert r.status_code == 200, r.text
    assert (r.json()["width"], r.json()["height"]) == (400, 120)
    assert client.put(f"/v1/cases/{case_id}/signature", content=_png(ink=False), headers=put).status_code == 400
    assert client.put(f"/v1/cases/{case_id}/signature", content=b"not a png", headers=put).status_code == 415
    # Another branch: 404; a loan key: 403.
    other = {**make_key("counter", branch + "x"), "Content-Type": "image/png"}
    assert client.put(f"/v1/cases/{case_id}/signature", content=_png(), headers=other).status_code == 404
    loan = {**make_key("loan", branch), "Content-Type": "image/png"}
    assert client.put(f"/v1/cases/{case_id}/signature", content=_png(), headers=loan).status_code == 403
