"""Turning a phone photo or screenshot into what tesseract reads best: upright, gray, large enough, clean."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from wa_pipeline.media.media_errors import MediaFailed

# Tesseract reads best when a line of text is 20-40 px tall; thumbnails and zoomed-out screenshots are smaller.
MIN_LINE_HEIGHT = 20
TARGET_LINE_HEIGHT = 32
MAX_UPSCALE = 4
# Spread of the paper's grain (robust sigma, gray levels): 0 for a scan or screenshot, about 6 for a phone photo
# in good light that tesseract reads as it is, 10 and more for a dim, grainy one that it does not.
NOISY_ABOVE = 8.0


@dataclass(frozen=True)
class PreparedImage:
    image: Image.Image  # mode "L"
    width: int  # of the original, as the sender sees it (after EXIF rotation)
    height: int
    upscaled: float
    denoised: bool
    rotated: bool

    @property
    def untouched(self) -> bool:
        """Nothing done that tesseract would not see in the original file."""
        return self.upscaled == 1 and not self.denoised and not self.rotated


@contextmanager
def bomb_guard() -> Iterator[None]:
    """Pillow's DecompressionBombWarning as an error, and Image.MAX_IMAGE_PIXELS left as Pillow ships it."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise MediaFailed(f"decompression bomb: {exc}") from None


def open_image(path: Path) -> Image.Image:
    """Open and decode an image, refusing bombs before a pixel is decoded."""
    with bomb_guard():
        try:
            image = Image.open(path)
            width, height = image.size
            # The header alone tells the pixel count: a 20,000 x 20,000 PNG of zeros is 400 KB on disk, 400 MB decoded.
            if Image.MAX_IMAGE_PIXELS and width * height > Image.MAX_IMAGE_PIXELS:
                raise MediaFailed(
                    f"image is {width}x{height} = {width * height:,} pixels, over the {Image.MAX_IMAGE_PIXELS:,} limit"
                    " (decompression bomb)"
                )
            image.load()
        except MediaFailed:
            raise
        except (OSError, ValueError, SyntaxError) as exc:
            raise MediaFailed(f"image does not decode: {exc}") from None
    return image


def prepare(path: Path) -> PreparedImage:
    return prepare_image(open_image(path))


def prepare_image(image: Image.Image) -> PreparedImage:
    """Upright (EXIF), gray, text lines 20+ px tall, and for grainy photos denoised and thresholded."""
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)  # an animated GIF/WebP: the first frame stands for the rest
    upright = ImageOps.exif_transpose(image)
    rotated = upright.size != image.size or image.getexif().get(0x0112, 1) not in (1, None)
    width, height = upright.size
    gray = _flatten(upright)
    noisy = noise_level(gray) > NOISY_ABOVE
    if noisy:
        # Denoise before measuring lines or upscaling: speckle would otherwise read as ink, then grow with the image.
        gray = gray.filter(ImageFilter.MedianFilter(3))
    factor = upscale_factor(gray)
    if factor > 1:
        gray = gray.resize((round(width * factor), round(height * factor)), Image.Resampling.LANCZOS)
    if noisy:
        gray = binarize(gray)
    return PreparedImage(gray, width, height, factor, noisy, rotated)


def _flatten(image: Image.Image) -> Image.Image:
    # Transparent stickers and screenshots have text on nothing: put them on white, not on black.
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("L")
    return image.convert("L")


def upscale_factor(gray: Image.Image) -> float:
    """How much to enlarge so the typical line of text is TARGET_LINE_HEIGHT px tall (1 when it already is)."""
    height = line_height(gray)
    if height is None or height >= MIN_LINE_HEIGHT:
        return 1
    return min(MAX_UPSCALE, TARGET_LINE_HEIGHT / height)


def line_height(gray: Image.Image) -> float | None:
    """Median height of the bands of rows that hold ink (a horizontal projection profile); None without text."""
    pixels = np.asarray(gray, dtype=np.uint8)
    ink = pixels < otsu_threshold(pixels)
    inked_rows = ink.mean(axis=1) > 0.002
    edges = np.flatnonzero(np.diff(np.concatenate(([0], inked_rows.astype(np.int8), [0]))))
    runs = edges[1::2] - edges[::2]
    runs = runs[runs >= 3]  # rules and specks are not lines of text
    return float(np.median(runs)) if len(runs) else None


def noise_level(gray: Image.Image) -> float:
    """Robust sigma (1.4826 x MAD) of the fine grain on the paper, i.e. away from the ink."""
    sample = gray if gray.width * gray.height <= 4_000_000 else gray.reduce(2)
    pixels = np.asarray(sample, dtype=np.float32)
    smooth = np.asarray(sample.filter(ImageFilter.GaussianBlur(3)), dtype=np.float32)
    paper = smooth > otsu_threshold(np.asarray(sample, dtype=np.uint8))
    if not paper.any():
        return 0.0
    grain = (pixels - smooth)[paper]
    return float(np.median(np.abs(grain - np.median(grain))) * 1.4826)


def binarize(gray: Image.Image) -> Image.Image:
    """Divide out uneven lighting, then Otsu's threshold: black text on white paper."""
    pixels = np.asarray(gray, dtype=np.float32)
    # The paper's brightness at each point, from a blur much wider than a letter; dividing by it flattens shadows.
    radius = max(15, min(gray.size) // 30)
    background = np.asarray(gray.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32)
    flat = np.clip(pixels / np.maximum(background, 1) * 255, 0, 255).astype(np.uint8)
    threshold = otsu_threshold(flat)
    return Image.fromarray(np.where(flat > threshold, 255, 0).astype(np.uint8))


def otsu_threshold(pixels: np.ndarray) -> int:
    histogram = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    total = histogram.sum()
    levels = np.arange(256)
    weight_below = np.cumsum(histogram)
    mean_below = np.cumsum(histogram * levels)
    weight_above = total - weight_below
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_below[-1] * weight_below / total - mean_below) ** 2 / (weight_below * weight_above)
    if np.isnan(between).all():
        # One shade only (a photo of a plain wall, a black frame): no threshold splits it; all of it is one side.
        return int(np.flatnonzero(histogram)[0]) if total else 0
    return int(np.nanargmax(between))
