"""Image decoding: every supported format in, every kind of bad file refused with a clear domain error."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import time
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

from capture.images import decode_image_pages
from capture.load import load_pages
from capture.sniff import FileKind, sniff
from config.settings import CaptureSettings
from domain.errors import CorruptFile, EmptyFile, ImageTooLarge, TooManyPages, UnsupportedFileType

SETTINGS = CaptureSettings()


def _rgb(w: int = 320, h: int = 200) -> np.ndarray:
    """A picture with a known asymmetric layout: red top-left block, blue bottom-right block."""
    img = np.full((h, w, 3), 230, np.uint8)
    img[: h // 3, : w // 3] = (220, 30, 30)
    img[-h // 3 :, -w // 3 :] = (30, 30, 220)
    return img


def _save(img: np.ndarray | Image.Image, fmt: str, **params) -> bytes:
    pil = img if isinstance(img, Image.Image) else Image.fromarray(img)
    buf = io.BytesIO()
    pil.save(buf, fmt, **params)
    return buf.getvalue()


def _png(w: int, h: int, *, rows: int | None = None) -> bytes:
    """A 1-bit greyscale PNG of w×h white pixels; with ``rows``, only that many rows of data follow the
    header (a decompression bomb's front: nothing may be allocated for it). Built row by row, so a
    20000×20000 image costs the test 50 MB of zlib input, never a 400 MB picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0)
    z = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * ((w + 7) // 8)
    idat = b"".join(z.compress(row) for _ in range(h if rows is None else rows)) + z.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# --- good files --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fmt,kind",
    [
        ("JPEG", FileKind.JPEG),
        ("PNG", FileKind.PNG),
        ("BMP", FileKind.BMP),
        ("WEBP", FileKind.WEBP),
        ("TIFF", FileKind.TIFF),
    ],
)
def test_each_format_decodes_to_bgr_camera_page(fmt: str, kind: FileKind) -> None:
    rgb = _rgb()
    data = _save(rgb, fmt, **({"quality": 95} if fmt in ("JPEG", "WEBP") else {}))
    assert sniff(data) == kind
    (page,) = load_pages(data, "frame." + fmt.lower(), SETTINGS)
    assert page.origin == "camera" and page.unit == "px" and page.source == "frame." + fmt.lower()
    assert page.image.dtype == np.uint8 and page.image.shape == (200, 320, 3)
    assert (page.width, page.height) == (320.0, 200.0)
    # BGR order: the red block is (B, G, R) = (30, 30, 220) top-left.
    b, g, r = page.image[20, 20].astype(int)
    assert r > 180 and b < 80 and g < 80


def test_file_type_comes_from_content_not_name() -> None:
    png = _save(_rgb(), "PNG")
    (page,) = load_pages(png, "photo.jpg", SETTINGS)
    assert page.image.shape == (200, 320, 3)


def test_multipage_tiff_gives_one_page_per_frame() -> None:
    frames = [Image.fromarray(np.full((120, 90), v, np.uint8)) for v in (40, 120, 200)]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    pages = load_pages(buf.getvalue(), "scan.tif", SETTINGS)
    assert [p.source for p in pages] == ["scan.tif#1", "scan.tif#2", "scan.tif#3"]
    assert [p.index for p in pages] == [0, 1, 2]
    assert [int(p.image[5, 5, 0]) for p in pages] == [40, 120, 200]
    assert all(p.image.shape == (120, 90, 3) for p in pages)


def test_tiff_with_more_frames_than_allowed_is_refused() -> None:
    frames = [Image.new("L", (8, 8), v) for v in range(5)]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(TooManyPages):
        decode_image_pages(buf.getvalue(), "x.tif", FileKind.TIFF, CaptureSettings(max_pages=4))


@pytest.mark.parametrize(
    "orientation,transform,shape",
    [(6, "exif_rotate_90", (320, 200)), (3, "exif_rotate_180", (200, 320)), (8, "exif_rotate_270", (320, 200))],
)
def test_exif_orientation_is_applied_and_recorded(orientation: int, transform: str, shape: tuple[int, int]) -> None:
    pil = Image.fromarray(_rgb())
    exif = pil.getexif()
    exif[0x0112] = orientation
    (page,) = load_pages(_save(pil, "JPEG", quality=95, exif=exif), "cam.jpg", SETTINGS)
    assert page.transforms == (transform,)
    assert page.image.shape[:2] == shape
    # Where the red block ends up tells the rotation was done the right way round.
    red = page.image[..., 2].astype(int) - page.image[..., 0].astype(int) > 100
    ys, xs = np.nonzero(red)
    h, w = shape
    corner = (ys.mean() < h / 2, xs.mean() < w / 2)
    # Orientation 6 is undone by turning 90° clockwise: top-left moves to top-right, and so on.
    assert corner == {6: (True, False), 3: (False, False), 8: (False, True)}[orientation]


@pytest.mark.parametrize(
    "make",
    [
        lambda: Image.fromarray(np.full((50, 60), 128, np.uint8)),  # L
        lambda: Image.fromarray(np.arange(3000, dtype=np.uint16).reshape(50, 60) * 20),  # 16-bit
        lambda: Image.new("RGBA", (60, 50), (0, 0, 0, 0)),  # fully transparent → white paper
        lambda: Image.new("P", (60, 50), 3),  # palette
        lambda: Image.new("1", (60, 50), 1),  # bilevel
        lambda: Image.new("CMYK", (60, 50), (0, 0, 0, 0)),
    ],
)
def test_any_mode_becomes_three_channel_uint8(make) -> None:
    img = make()
    fmt = "TIFF" if img.mode in ("CMYK", "I;16") else "PNG"
    (page,) = load_pages(_save(img, fmt), "x", SETTINGS)
    assert page.image.dtype == np.uint8 and page.image.shape == (50, 60, 3)
    if img.mode == "RGBA":
        assert page.image.min() == 255


def test_16_bit_keeps_its_tones() -> None:
    ramp = (np.tile(np.arange(256, dtype=np.uint16), (10, 1)) * 257).astype(np.uint16)
    (page,) = load_pages(_save(Image.fromarray(ramp), "PNG"), "x.png", SETTINGS)
    assert int(page.image[0, 0, 0]) == 0 and int(page.image[0, 255, 0]) == 255


def test_large_frames_are_downscaled_to_the_limit() -> None:
    data = _save(np.full((1500, 3000, 3), 200, np.uint8), "JPEG")
    (page,) = load_pages(data, "big.jpg", CaptureSettings(max_side_px=1000))
    assert page.image.shape == (500, 1000, 3)
    assert page.transforms == ("downscale",)


# --- bad files -----------------------------------------------------------------------------------------------
def test_empty_file() -> None:
    with pytest.raises(EmptyFile):
        load_pages(b"", "empty.jpg", SETTINGS)


def test_garbage_bytes() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(UnsupportedFileType):
        load_pages(rng.bytes(5000), "garbage.jpg", SETTINGS)


def test_truncated_jpeg_is_corrupt_even_though_opencv_would_decode_it() -> None:
    rng = np.random.default_rng(1)
    data = _save((rng.random((600, 800, 3)) * 255).astype(np.uint8), "JPEG", quality=90)
    cut = data[: len(data) // 2]
    # The trap this guards against: OpenCV fills the missing half with grey and says nothing.
    assert cv2.imdecode(np.frombuffer(cut, np.uint8), cv2.IMREAD_COLOR) is not None
    with pytest.raises(CorruptFile) as err:
        load_pages(cut, "cut.jpg", SETTINGS)
    assert "JPEG" in err.value.message and err.value.message_zh


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "TIFF", "BMP"])
def test_truncated_files_of_every_format_are_corrupt(fmt: str) -> None:
    rng = np.random.default_rng(2)
    data = _save((rng.random((300, 400, 3)) * 255).astype(np.uint8), fmt)
    with pytest.raises(CorruptFile):
        load_pages(data[: len(data) // 2], "cut", SETTINGS)


def test_a_jpeg_header_on_nonsense_is_corrupt() -> None:
    with pytest.raises(CorruptFile):
        load_pages(b"\xff\xd8\xff\xe0" + b"\x00" * 200, "fake.jpg", SETTINGS)


@pytest.mark.parametrize("w,h", [(20000, 20000), (8000, 8000), (100_000, 1)])
def test_pixel_bomb_is_refused_from_the_header_alone(w: int, h: int) -> None:
    data = _png(w, h, rows=1)
    t0 = time.perf_counter()
    with pytest.raises(ImageTooLarge) as err:
        load_pages(data, "bomb.png", CaptureSettings(max_pixels=60_000_000 if w * h > 60_000_000 else 50_000))
    # Refused before any pixel buffer exists: far below the ~1.2 GB a 20000² RGB image would need.
    assert time.perf_counter() - t0 < 5
    assert "pixels" in err.value.message


def test_complete_20000_square_png_is_refused() -> None:
    data = _png(20000, 20000)
    assert len(data) < 200_000  # a whole, valid PNG: tiny on disk, 1.2 GB once decoded to BGR
    with pytest.raises(ImageTooLarge):
        load_pages(data, "bomb.png", SETTINGS)


def test_png_builder_makes_real_pngs() -> None:
    (page,) = load_pages(_png(64, 32), "small.png", SETTINGS)
    assert page.image.shape == (32, 64, 3) and page.image.min() == 255


def test_pdf_renamed_to_jpg_is_read_as_a_pdf() -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(100, 700, "hello")
    c.showPage()
    c.save()
    pages = load_pages(buf.getvalue(), "contract.jpg", SETTINGS)
    assert len(pages) == 1 and pages[0].origin in ("pdf_text", "scan")


# --- the command line: one clear line and a non-zero exit, never a traceback ---------------------------------
def _bad_files(tmp_path) -> dict[str, tuple[bytes, str]]:
    rng = np.random.default_rng(3)
    jpeg = _save((rng.random((300, 400, 3)) * 255).astype(np.uint8), "JPEG")
    files = {
        "garbage.jpg": (rng.bytes(4096), "unsupported_file_type"),
        "empty.jpg": (b"", "empty_file"),
        "truncated.jpg": (jpeg[: len(jpeg) // 2], "corrupt_file"),
        "bomb.png": (_png(20000, 20000), "image_too_large"),
    }
    for name, (data, _) in files.items():
        (tmp_path / name).write_bytes(data)
    return files


def test_cli_reports_each_bad_file_in_one_line(tmp_path, capsys) -> None:
    from cli.main import main

    for name, (_, code) in _bad_files(tmp_path).items():
        assert main(["extract", str(tmp_path / name)]) == 2, name
        captured = capsys.readouterr()
        errors = [ln for ln in captured.err.splitlines() if ln.startswith("docintel: error:")]
        assert len(errors) == 1 and code in errors[0], (name, captured.err[-2000:])
        assert captured.out == ""


def test_cli_process_exits_non_zero_without_traceback(tmp_path) -> None:
    _bad_files(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "cli.main", "extract", str(tmp_path / "truncated.jpg")],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert [ln for ln in proc.stderr.splitlines() if "error" in ln] == [
        ln for ln in proc.stderr.splitlines() if ln.startswith("docintel: error: corrupt_file")
    ]


def test_heic_photos_get_a_specific_hint() -> None:
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100
    with pytest.raises(UnsupportedFileType) as err:
        load_pages(heic, "IMG_0001.HEIC", SETTINGS)
    assert "JPEG" in err.value.message and "HEIC" in err.value.message_zh
