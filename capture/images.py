"""Image bytes → upright BGR pages, safely.

Pillow reads the header first, so the pixel count is checked before a single pixel is decoded (a
20000×20000 PNG is refused in microseconds). Pillow also refuses truncated data on ``load()``, where
``cv2.imdecode`` would silently return a half-grey JPEG. EXIF orientation is applied and recorded.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from capture.sniff import FileKind
from config.settings import CaptureSettings
from domain.errors import CorruptFile, ImageTooLarge, TooManyPages
from domain.models import Page

# EXIF orientation tag value → what exif_transpose does to undo it, named for Page.transforms.
_EXIF_TRANSFORMS = {
    2: "exif_mirror",
    3: "exif_rotate_180",
    4: "exif_flip",
    5: "exif_transpose",
    6: "exif_rotate_90",
    7: "exif_transverse",
    8: "exif_rotate_270",
}
_EXIF_ORIENTATION_TAG = 0x0112

# Pillow warns from a global limit of its own before we see the size; ours (settings.max_pixels) is checked
# right after opening, so its warning is noise. Set once here: changing warning filters per call is not
# thread-safe.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)

_KIND_NAMES = {
    FileKind.JPEG: "JPEG",
    FileKind.PNG: "PNG",
    FileKind.TIFF: "TIFF",
    FileKind.BMP: "BMP",
    FileKind.WEBP: "WebP",
}


def _corrupt(kind: FileKind, why: str) -> CorruptFile:
    label = _KIND_NAMES.get(kind, str(kind))
    return CorruptFile(
        f"the {label} file is damaged or incomplete: {why}",
        message_zh=f"{label} 图像文件已损坏或不完整，请重新拍摄或上传",
    )


def _too_large(w: int, h: int, settings: CaptureSettings) -> ImageTooLarge:
    return ImageTooLarge(
        f"{w}x{h} = {w * h} pixels is over the limit of {settings.max_pixels} pixels",
        message_zh=f"图像像素过多（{w}×{h}，上限 {settings.max_pixels // 1_000_000} 百万像素）",
    )


def _open(data: bytes, kind: FileKind, settings: CaptureSettings) -> Image.Image:
    """Opens lazily (header only) and checks the pixel count before anything is decoded."""
    try:
        img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        # Raised from the header alone, far over any sane limit; Pillow's message carries the count.
        found = re.search(r"\((\d+) pixels\)", str(exc))
        count = f"{int(found.group(1))} pixels" if found else "the declared size"
        raise ImageTooLarge(
            f"{count} is over the limit of {settings.max_pixels} pixels",
            message_zh=f"图像像素过多（上限 {settings.max_pixels // 1_000_000} 百万像素）",
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, TypeError) as exc:
        raise _corrupt(kind, f"cannot read the header ({exc})") from None
    w, h = img.size
    if w <= 0 or h <= 0:
        raise _corrupt(kind, f"the header gives an empty size {w}x{h}")
    if w * h > settings.max_pixels:
        raise _too_large(w, h, settings)
    return img


def _frame_count(img: Image.Image, kind: FileKind, settings: CaptureSettings) -> int:
    try:
        n = int(getattr(img, "n_frames", 1))
    except (OSError, ValueError, EOFError, TypeError) as exc:
        raise _corrupt(kind, f"cannot count its frames ({exc})") from None
    if n > settings.max_pages:
        raise TooManyPages(
            f"the {_KIND_NAMES[kind]} file holds {n} frames; the limit is {settings.max_pages}",
            message_zh=f"图像页数过多（{n} 页，上限 {settings.max_pages} 页）",
        )
    # Animated WebP/PNG are one picture: only multi-page TIFF holds several pages of a document.
    return n if kind == FileKind.TIFF else 1


def _frames(img: Image.Image, kind: FileKind, settings: CaptureSettings) -> Iterator[Image.Image]:
    for i in range(_frame_count(img, kind, settings)):
        if i:
            try:
                img.seek(i)
            except (OSError, ValueError, EOFError, TypeError) as exc:
                raise _corrupt(kind, f"frame {i + 1} cannot be read ({exc})") from None
            w, h = img.size
            if w * h > settings.max_pixels:
                raise _too_large(w, h, settings)
        yield img


def _draft_for(img: Image.Image, settings: CaptureSettings) -> None:
    """For a JPEG larger than we keep, let libjpeg decode at 1/2, 1/4 or 1/8 scale: far less work."""
    if img.format != "JPEG" or max(img.size) <= settings.max_side_px:
        return
    w, h = img.size
    scale = settings.max_side_px / max(w, h)
    # Orientation may swap the sides later; draft only cares about the stored size.
    img.draft("RGB", (max(1, round(w * scale)), max(1, round(h * scale))))


def _to_bgr(img: Image.Image) -> np.ndarray:
    """Any Pillow mode → 3-channel uint8 BGR. Transparency is laid on white, as on paper."""
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.asarray(img)
        if arr.dtype == np.uint16 or mode.startswith("I;16"):
            gray = (arr.astype(np.uint32) >> 8).astype(np.uint8)
        else:  # 32-bit int or float: stretch what is there
            a = arr.astype(np.float64)
            lo, hi = float(np.nanmin(a)), float(np.nanmax(a))
            gray = np.zeros(a.shape, np.uint8) if hi <= lo else ((a - lo) * (255.0 / (hi - lo))).astype(np.uint8)
        return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    if mode == "P":
        img = img.convert("RGBA") if "transparency" in img.info else img.convert("RGB")
        mode = img.mode
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba).convert("RGB")
    elif mode == "L":
        return cv2.cvtColor(np.asarray(img), cv2.COLOR_GRAY2BGR)
    elif mode != "RGB":
        img = img.convert("RGB")  # 1, CMYK, YCbCr, LAB, HSV, ...
    arr = np.asarray(img)
    if arr.dtype != np.uint8:  # defensive: a 16-bit RGB mode in some Pillow build
        arr = (arr.astype(np.uint32) >> 8).astype(np.uint8)
    return cv2.cvtColor(arr, cv2.COLOR_RGB2BGR)


def _decode_frame(img: Image.Image, kind: FileKind, settings: CaptureSettings) -> tuple[np.ndarray, tuple[str, ...]]:
    transforms: list[str] = []
    try:
        orientation = img.getexif().get(_EXIF_ORIENTATION_TAG, 1) if kind != FileKind.BMP else 1
    except Exception:  # a broken EXIF block must not cost the picture
        orientation = 1
    _draft_for(img, settings)
    try:
        img.load()
        if orientation in _EXIF_TRANSFORMS:
            img = ImageOps.exif_transpose(img)
            transforms.append(_EXIF_TRANSFORMS[orientation])
        bgr = _to_bgr(img)
    except (OSError, ValueError, SyntaxError, EOFError, TypeError) as exc:
        raise _corrupt(kind, str(exc)) from None
    h, w = bgr.shape[:2]
    if max(h, w) > settings.max_side_px:
        scale = settings.max_side_px / max(h, w)
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        bgr = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
        transforms.append("downscale")
    return np.ascontiguousarray(bgr), tuple(transforms)


def decode_image_pages(data: bytes, name: str, kind: FileKind, settings: CaptureSettings) -> list[Page]:
    """Every frame of an image file as an EXIF-upright camera page (not yet localised).

    A multi-page TIFF gives one page per frame, named ``name#1``, ``name#2``, ...
    """
    img = _open(data, kind, settings)
    pages: list[Page] = []
    with img:
        frames = list(_frames_decoded(img, kind, settings))
    multi = len(frames) > 1
    for i, (bgr, transforms) in enumerate(frames):
        h, w = bgr.shape[:2]
        pages.append(
            Page(
                index=i,
                source=f"{name}#{i + 1}" if multi else name,
                width=float(w),
                height=float(h),
                unit="px",
                origin="camera",
                image=bgr,
                transforms=transforms,
            )
        )
    return pages


def _frames_decoded(
    img: Image.Image, kind: FileKind, settings: CaptureSettings
) -> Iterator[tuple[np.ndarray, tuple[str, ...]]]:
    for frame in _frames(img, kind, settings):
        yield _decode_frame(frame, kind, settings)
