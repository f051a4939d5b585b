"""Pictures for the demo school, drawn with Pillow: scenes and shapes, never people.

The demo must not download anything and must never contain a real child's photograph,
so every picture is a simple drawn scene (a playing field, a bookshelf, a snowy
playground) in the school's colours.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1200, 800

SCENES = (
    "field",
    "books",
    "garden",
    "snow",
    "science",
    "music",
    "art",
    "beach",
    "stars",
    "harvest",
)

_SKIES = {
    "field": ((120, 180, 235), (200, 230, 250)),
    "books": ((244, 236, 220), (236, 222, 196)),
    "garden": ((150, 200, 240), (220, 240, 250)),
    "snow": ((170, 185, 205), (225, 232, 240)),
    "science": ((40, 70, 110), (80, 120, 160)),
    "music": ((70, 40, 100), (140, 90, 160)),
    "art": ((250, 245, 235), (240, 230, 215)),
    "beach": ((100, 175, 230), (190, 225, 245)),
    "stars": ((10, 20, 50), (40, 60, 110)),
    "harvest": ((240, 170, 90), (250, 215, 150)),
}


def _gradient(draw: ImageDraw.ImageDraw, top: tuple, bottom: tuple) -> None:
    for y in range(HEIGHT):
        ratio = y / HEIGHT
        colour = tuple(
            int(a + (b - a) * ratio) for a, b in zip(top, bottom, strict=True)
        )
        draw.line([(0, y), (WIDTH, y)], fill=colour)


def _tree(draw: ImageDraw.ImageDraw, x: int, ground: int, size: int) -> None:
    draw.rectangle(
        [x - size // 10, ground - size, x + size // 10, ground], fill=(110, 75, 40)
    )
    draw.ellipse(
        [x - size // 2, ground - size * 2, x + size // 2, ground - size + size // 4],
        fill=(50, 130, 60),
    )


def _bunting(draw: ImageDraw.ImageDraw, rng: random.Random, y: int) -> None:
    colours = [(230, 60, 60), (250, 200, 40), (60, 140, 220), (70, 170, 90)]
    draw.line([(0, y), (WIDTH, y + 40)], fill=(60, 60, 60), width=3)
    for i in range(0, WIDTH, 80):
        top = y + 40 * i // WIDTH
        draw.polygon(
            [(i, top), (i + 60, top + 3), (i + 30, top + 60)],
            fill=rng.choice(colours),
        )


def _draw_scene(draw: ImageDraw.ImageDraw, scene: str, rng: random.Random) -> None:
    ground = int(HEIGHT * 0.68)
    if scene in {"field", "garden", "harvest"}:
        draw.ellipse([900, 80, 1040, 220], fill=(255, 215, 70))
        draw.rectangle([0, ground, WIDTH, HEIGHT], fill=(90, 165, 80))
        for x in (120, 300, 1080):
            _tree(draw, x, ground + 10, rng.randint(110, 160))
    if scene == "field":
        for lane in range(5):
            y = ground + 40 + lane * 45
            draw.line([(0, y), (WIDTH, y)], fill=(245, 245, 245), width=5)
        _bunting(draw, rng, 60)
    elif scene == "garden":
        for _ in range(40):
            x, y = rng.randint(20, WIDTH - 20), rng.randint(ground + 30, HEIGHT - 20)
            petal = rng.choice([(230, 80, 120), (250, 220, 60), (180, 110, 220)])
            draw.ellipse([x - 14, y - 14, x + 14, y + 14], fill=petal)
            draw.ellipse([x - 5, y - 5, x + 5, y + 5], fill=(250, 240, 200))
    elif scene == "harvest":
        for i in range(6):
            x = 380 + i * 90
            draw.ellipse([x, ground + 60, x + 80, ground + 140], fill=(235, 120, 30))
            draw.rectangle(
                [x + 36, ground + 48, x + 44, ground + 64], fill=(90, 120, 40)
            )
    elif scene == "snow":
        draw.rectangle([0, ground, WIDTH, HEIGHT], fill=(250, 250, 252))
        draw.rectangle([420, 260, 780, ground], fill=(170, 90, 70))
        draw.polygon([(390, 260), (600, 130), (810, 260)], fill=(90, 60, 60))
        draw.rectangle([560, 420, 640, ground], fill=(60, 80, 120))
        for _ in range(160):
            x, y = rng.randint(0, WIDTH), rng.randint(0, HEIGHT)
            draw.ellipse([x - 4, y - 4, x + 4, y + 4], fill=(255, 255, 255))
    elif scene == "books":
        for shelf in range(3):
            y = 180 + shelf * 200
            draw.rectangle([80, y + 150, WIDTH - 80, y + 170], fill=(120, 80, 45))
            x = 100
            while x < WIDTH - 140:
                width = rng.randint(30, 60)
                height = rng.randint(100, 150)
                colour = (
                    rng.randint(40, 220),
                    rng.randint(40, 200),
                    rng.randint(60, 220),
                )
                draw.rectangle([x, y + 150 - height, x + width, y + 150], fill=colour)
                x += width + 6
    elif scene == "science":
        for i, colour in enumerate([(90, 220, 160), (250, 120, 90), (120, 160, 250)]):
            x = 250 + i * 280
            draw.polygon(
                [
                    (x, 250),
                    (x + 60, 250),
                    (x + 60, 400),
                    (x + 150, 600),
                    (x - 90, 600),
                    (x, 400),
                ],
                fill=(230, 240, 250),
            )
            draw.polygon(
                [(x + 20 - 80, 560), (x + 40 + 80, 560), (x + 150, 600), (x - 90, 600)],
                fill=colour,
            )
        for _ in range(25):
            x, y = rng.randint(100, WIDTH - 100), rng.randint(60, 240)
            r = rng.randint(6, 18)
            draw.ellipse([x - r, y - r, x + r, y + r], outline=(220, 240, 255), width=3)
    elif scene == "music":
        for line in range(5):
            y = 300 + line * 40
            draw.line([(80, y), (WIDTH - 80, y)], fill=(240, 230, 250), width=4)
        for i in range(8):
            x = 180 + i * 115
            y = 300 + rng.randint(0, 4) * 40 - 20
            draw.ellipse([x, y, x + 50, y + 40], fill=(255, 215, 70))
            draw.rectangle([x + 44, y - 120, x + 52, y + 20], fill=(255, 215, 70))
    elif scene == "art":
        for _ in range(14):
            x, y = rng.randint(80, WIDTH - 200), rng.randint(80, HEIGHT - 200)
            size = rng.randint(80, 200)
            colour = (rng.randint(80, 250), rng.randint(60, 230), rng.randint(60, 240))
            shape = rng.choice(["ellipse", "rectangle", "triangle"])
            if shape == "ellipse":
                draw.ellipse([x, y, x + size, y + size], fill=colour)
            elif shape == "rectangle":
                draw.rectangle([x, y, x + size, y + size * 2 // 3], fill=colour)
            else:
                draw.polygon(
                    [(x, y + size), (x + size // 2, y), (x + size, y + size)],
                    fill=colour,
                )
    elif scene == "beach":
        draw.ellipse([120, 90, 260, 230], fill=(255, 220, 80))
        draw.rectangle(
            [0, int(HEIGHT * 0.5), WIDTH, int(HEIGHT * 0.7)], fill=(40, 120, 190)
        )
        draw.rectangle([0, int(HEIGHT * 0.7), WIDTH, HEIGHT], fill=(240, 215, 160))
        for i in range(4):
            x = 200 + i * 250
            draw.rectangle([x, 600, x + 90, 680], fill=(200, 80, 60))
            draw.polygon(
                [(x - 10, 600), (x + 45, 550), (x + 100, 600)], fill=(230, 60, 60)
            )
    elif scene == "stars":
        for _ in range(120):
            x, y = rng.randint(0, WIDTH), rng.randint(0, int(HEIGHT * 0.7))
            r = rng.randint(1, 4)
            draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 250, 220))
        draw.ellipse([880, 100, 1020, 240], fill=(245, 240, 210))
        draw.rectangle([0, ground, WIDTH, HEIGHT], fill=(30, 45, 60))
        draw.polygon([(500, ground), (600, 380), (700, ground)], fill=(200, 200, 210))


def draw_demo_picture(*, scene: str, seed: int) -> bytes:
    """A JPEG of a drawn ``scene`` (one of SCENES); a seed always draws the same."""
    rng = random.Random(seed)  # noqa: S311 (pictures, not secrets)
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    top, bottom = _SKIES[scene]
    _gradient(draw, top, bottom)
    _draw_scene(draw, scene, rng)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True)
    return buffer.getvalue()


def draw_newsletter_pdf(*, title: str, lines: list[str]) -> bytes:
    """A one-page PDF newsletter (Pillow's PDF writer), for the document-link block."""
    page = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle([0, 0, 1240, 180], fill=(18, 60, 90))
    draw.text((80, 70), title, fill="white", font_size=56)
    for number, line in enumerate(lines):
        draw.text((80, 260 + number * 60), line, fill=(27, 31, 35), font_size=34)
    buffer = io.BytesIO()
    page.save(buffer, format="PDF", resolution=150)
    return buffer.getvalue()
