"""Camera photos of archival document pages, drawn locally (nothing downloaded), with the place and
text of every line, so that what a downscaled photo still shows can be measured.

A photo is what a tablet's 12-megapixel camera gives of a printed A4 page lying on a desk: 4000 × 3000
pixels stored sideways with an EXIF orientation (as cameras do), aged paper with stains, an
11-point body, a bold heading, a red stamp, uneven light, sensor noise, JPEG quality 92 — 3 to 5 MB.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps

UPRIGHT = (3000, 4000)
"""The photo as the surveyor holds the tablet (portrait); the camera stores it as 4000 × 3000."""
PAGE = (150, 110, 2850, 3890)
"""Where the A4 page lies in the upright photo: 2700 × 3780 px for 210 × 297 mm, 12.8 px/mm."""
PX_PER_MM = (PAGE[3] - PAGE[1]) / 297
CAMERA_QUALITY = 92

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
"""Debian's fonts-dejavu-core: of the fonts on a bare Debian, the only ones with Vietnamese letters."""
SERIF, SERIF_BOLD = "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"

SUBJECTS = [
    "Về việc xây dựng đê điều và thủy lợi năm 1978",
    "Về việc phân phối ruộng đất cho hợp tác xã",
    "Về việc kiểm kê tài liệu lưu trữ của Ủy ban",
    "Về việc cấp giấy chứng nhận quyền sử dụng đất",
    "Về việc tổ chức bộ máy hành chính cấp huyện",
]
BODY = (
    "Căn cứ Nghị quyết của Hội đồng nhân dân tỉnh về kế hoạch phát triển kinh tế xã hội; xét đề "
    "nghị của Trưởng ty Thủy lợi và Chủ tịch Ủy ban hành chính các huyện Duy Xuyên, Điện Bàn, Thăng "
    "Bình, Quế Sơn; Ủy ban hành chính tỉnh quyết định giao cho các hợp tác xã nông nghiệp tổ chức "
    "lực lượng đắp đê, nạo vét kênh mương, sửa chữa cống đập trước mùa mưa lũ. Mỗi xã cử một đồng "
    "chí Phó Chủ tịch trực tiếp chỉ đạo, báo cáo kết quả về Ủy ban trước ngày 15 tháng 8. Kinh phí "
    "thực hiện gồm 12.450.000 đồng trích từ ngân sách địa phương và 3.870 ngày công lao động nghĩa "
    "vụ; số tiền còn thiếu do các hợp tác xã đóng góp theo diện tích ruộng được tưới tiêu. Các đơn "
    "vị có trách nhiệm lập hồ sơ quyết toán, lưu trữ đầy đủ chứng từ, biên bản nghiệm thu và gửi "
    "về Phòng Tài chính trước ngày 30 tháng 11 để tổng hợp trình Ủy ban xét duyệt."
)


@dataclass(frozen=True)
class TextLine:
    """One line of text as drawn in the upright photo: where it starts, its font and size."""

    text: str
    x: int
    y: int
    font_file: str
    font_px: int

    @property
    def height_mm(self) -> float:
        """The font's size on paper (the body: 11 pt = 3.9 mm)."""
        return self.font_px / PX_PER_MM

    def font(self, scale: float = 1.0) -> ImageFont.FreeTypeFont:
        return font(self.font_file, max(1, round(self.font_px * scale)))


@dataclass(frozen=True)
class DocumentPhoto:
    jpeg: bytes
    """The camera's file: 4000 × 3000 pixels, EXIF orientation 6 (turn 90° clockwise to view)."""
    lines: tuple[TextLine, ...]


@cache
def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / name), size)


def _smooth_noise(rng: random.Random, size: tuple[int, int], grain: tuple[int, int]) -> Image.Image:
    """Grey values varying smoothly over ``size``: random ``grain`` cells blown up bicubically."""
    cells = Image.frombytes("L", grain, rng.randbytes(grain[0] * grain[1]))
    return cells.resize(size, Image.Resampling.BICUBIC)


def _wrap(text: str, fnt: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if fnt.getlength(trial) > width and line:
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line] if line else lines


def _layout(rng: random.Random, number: int) -> list[TextLine]:
    """The page's lines: heading, number and date, subject, body, signature."""
    left, top, right = PAGE[0] + 320, PAGE[1] + 300, PAGE[2] - 260
    mm = PX_PER_MM
    head_px, body_px = round(3.5 * mm), round(3.9 * mm)  # heading 10 pt, body 11 pt
    out: list[TextLine] = []
    y = top

    def add(text: str, face: str, px: int, x: int | None = None, centre: bool = False) -> None:
        nonlocal y
        if centre:
            x = (left + right - round(font(face, px).getlength(text))) // 2
        out.append(TextLine(text, left if x is None else x, y, face, px))
        y += round(px * 1.55)

    add("ỦY BAN HÀNH CHÍNH", SERIF_BOLD, head_px)
    add("TỈNH QUẢNG NAM - ĐÀ NẴNG", SERIF_BOLD, head_px)
    y += round(2 * mm)
    add(f"Số: {number}/QĐ-UB", SERIF, body_px)
    add(
        f"Tam Kỳ, ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} năm {rng.randint(1965, 1995)}",
        SERIF,
        body_px,
    )
    y += round(6 * mm)
    add("QUYẾT ĐỊNH", SERIF_BOLD, round(5.6 * mm), centre=True)
    add(rng.choice(SUBJECTS), SERIF, body_px, centre=True)
    y += round(6 * mm)
    words = BODY.split()
    for _ in range(2):  # two paragraphs, each starting somewhere else in the text
        start = rng.randrange(len(words))
        paragraph = " ".join(words[start:] + words[:start])
        for text in _wrap(paragraph, font(SERIF, body_px), right - left):
            add(text, SERIF, body_px)
        y += round(3 * mm)
    y += round(6 * mm)
    signer = rng.choice(["Nguyễn Văn Thắng", "Trần Thị Hường", "Lê Đức Phổ", "Phạm Ngọc Ẩn"])
    for text in ("TM. ỦY BAN HÀNH CHÍNH TỈNH", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", signer):
        if text:
            add(text, SERIF_BOLD, head_px, x=(left + right) // 2)
        else:
            y += round(16 * mm)
    small_px = round(3.2 * mm)  # 9 pt: the smallest print on an office document
    y += round(4 * mm)
    for text in ("Nơi nhận:", "- Như Điều 3;", "- Thường trực Tỉnh ủy, HĐND tỉnh;", "- Lưu: VT, NN."):
        add(text, SERIF, small_px)
    return out


def _paper(rng: random.Random) -> Image.Image:
    """A desk with an aged page on it: grain, yellowing, foxing and water stains."""
    w, h = UPRIGHT
    wood = ImageOps.colorize(_smooth_noise(rng, (w, h), (6, 120)), (70, 42, 24), (128, 86, 52))
    pw, ph = PAGE[2] - PAGE[0], PAGE[3] - PAGE[1]
    age = _smooth_noise(rng, (pw, ph), (9, 12)).point(lambda v: 200 + v // 6)
    paper = ImageOps.colorize(age, (196, 180, 140), (246, 240, 224))
    fibres = _smooth_noise(rng, (pw, ph), (pw // 6, ph // 6)).point(lambda v: 118 + v // 16)
    paper = ImageChops.add(paper, Image.merge("RGB", [fibres] * 3), 1, -128)
    stains = Image.new("L", (pw // 8, ph // 8), 0)  # drawn small and blown up: soft edges, quickly
    draw = ImageDraw.Draw(stains)
    for _ in range(rng.randint(2, 5)):
        cx, cy, r = rng.randrange(pw // 8), rng.randrange(ph // 8), rng.randint(8, 48)
        draw.ellipse((cx - r, cy - r * 0.8, cx + r, cy + r * 0.8), fill=rng.randint(25, 60))
    stains = stains.filter(ImageFilter.BoxBlur(5)).resize((pw, ph), Image.Resampling.BICUBIC)
    paper = Image.composite(Image.new("RGB", (pw, ph), (150, 112, 60)), paper, stains)
    wood.paste(paper, PAGE[:2])
    return wood


def _stamp(rng: random.Random, page: Image.Image, lines: list[TextLine]) -> None:
    """A faded red round seal over the signature."""
    signer = lines[-5]
    cx, cy = signer.x + rng.randint(0, 200), signer.y - round(14 * PX_PER_MM)
    r = round(20 * PX_PER_MM)
    area = (cx - r - 10, cy - r - 10, cx + r + 10, cy + r + 10)
    size = (area[2] - area[0], area[3] - area[1])
    ink = Image.new("L", size, 0)
    draw = ImageDraw.Draw(ink)
    middle = size[0] // 2
    for width, radius in ((12, r), (6, r - 50)):
        draw.ellipse(
            (middle - radius, middle - radius, middle + radius, middle + radius), outline=150, width=width
        )
    draw.regular_polygon((middle, middle, 55), 5, fill=150)
    seal = Image.composite(
        Image.new("RGB", size, (200, 60, 70)),
        Image.new("RGB", size, "white"),
        ink.filter(ImageFilter.BoxBlur(2)),
    )
    page.paste(ImageChops.multiply(page.crop(area), seal), area[:2])  # ink over ink: the text shows through


def _draw_text(page: Image.Image, lines: list[TextLine], rng: random.Random) -> None:
    """Ink that is a little faded and uneven, as on an old office print."""
    mask = Image.new("L", page.size, 0)
    draw = ImageDraw.Draw(mask)
    for line in lines:
        draw.text((line.x, line.y), line.text, font=line.font(), fill=rng.randint(190, 235))
    # the camera's optics and demosaicing soften edges by about a pixel
    soft = mask.resize((UPRIGHT[0] * 3 // 4, UPRIGHT[1] * 3 // 4), Image.Resampling.BOX)
    mask = soft.resize(UPRIGHT, Image.Resampling.BICUBIC)
    page.paste(Image.new("RGB", page.size, (34, 30, 42)), (0, 0), mask)


def _light(rng: random.Random, page: Image.Image) -> Image.Image:
    """Light from one side of the room and a darker corner."""
    ramp = Image.linear_gradient("L").rotate(rng.choice([0, 90, 180, 270]))
    ramp = ramp.resize(page.size, Image.Resampling.BILINEAR).point(lambda v: 255 - v // 7)
    return ImageChops.multiply(page, Image.merge("RGB", [ramp] * 3))


@cache
def _sensor_noise(seed: int) -> Image.Image:
    """A 1024-pixel tile of the sensor's per-pixel noise (±10 levels in each channel)."""
    rng = random.Random(seed)
    tile = Image.frombytes("RGB", (1024, 1024), rng.randbytes(1024 * 1024 * 3))
    return tile.point(lambda v: 118 + (v * 21) // 256)


def _noisy(page: Image.Image, rng: random.Random) -> Image.Image:
    noise = Image.new("RGB", page.size)
    tile = _sensor_noise(rng.randrange(4))
    dx, dy = rng.randrange(1024), rng.randrange(1024)
    for x in range(-dx, page.size[0], 1024):
        for y in range(-dy, page.size[1], 1024):
            noise.paste(tile, (x, y))
    return ImageChops.add(page, noise, 1, -128)


def document_photo(seed: int) -> DocumentPhoto:
    """The camera JPEG of one page (3–5 MB) and the lines drawn on it, the same for the same seed."""
    rng = random.Random(seed)
    page = _paper(rng)
    lines = _layout(rng, number=seed % 900 + 10)
    _draw_text(page, lines, rng)
    _stamp(rng, page, lines)
    shot = _noisy(_light(rng, page), rng)
    sideways = shot.transpose(Image.Transpose.ROTATE_90)  # the sensor's landscape frame
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x010F] = "SaoLuu bench camera"
    out = io.BytesIO()
    sideways.save(out, "JPEG", quality=CAMERA_QUALITY, exif=exif.tobytes())
    return DocumentPhoto(out.getvalue(), tuple(lines))
