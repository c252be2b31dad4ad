"""Images, logo and video of the demo network, all made here or shipped in the repository:
nothing is fetched, and everything may be used freely.

The topic pictures are drawn with Pillow each time the demo is loaded (flat illustrations,
one motif per topic). The sign language video in `demo_media/` is a short placeholder the
office replaces with its own recording; the page says so.
"""

import io
import math
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image as PillowImage
from PIL import ImageDraw
from wagtail.documents.models import Document
from wagtail.images.models import Image

MEDIA_DIR = Path(__file__).resolve().parent / "demo_media"
SIGN_VIDEO_MP4 = MEDIA_DIR / "gebaerdensprache.mp4"
SIGN_VIDEO_WEBM = MEDIA_DIR / "gebaerdensprache.webm"
SIGN_CAPTIONS = MEDIA_DIR / "gebaerdensprache.vtt"

LOGO_SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
<title>Weiterbildungsverbund Region Stuttgart</title>
<rect width="64" height="64" rx="12" fill="#0a5a70"/>
<circle cx="20" cy="22" r="7" fill="#ffffff"/>
<circle cx="44" cy="22" r="7" fill="#ffffff"/>
<circle cx="32" cy="42" r="7" fill="#f2b33d"/>
<path d="M20 22 L44 22 L32 42 Z" fill="none" stroke="#ffffff" stroke-width="3"
 stroke-linejoin="round"/>
</svg>
"""

WIDTH, HEIGHT = 1280, 720
SKY, INK, ACCENT, WARM = (231, 240, 243), (10, 90, 112), (242, 179, 61), (244, 190, 140)


def _robot(draw):
    draw.rectangle((180, 560, 1100, 600), fill=(196, 204, 211))  # the bench
    draw.rounded_rectangle((300, 480, 460, 560), radius=16, fill=INK)  # base
    arm = [(380, 480), (520, 300), (760, 260), (860, 360)]
    draw.line(arm, fill=INK, width=46, joint="curve")
    for x, y in arm:
        draw.ellipse((x - 34, y - 34, x + 34, y + 34), fill=ACCENT)
    draw.line([(860, 360), (860, 440)], fill=INK, width=22)
    draw.line([(830, 440), (890, 440)], fill=INK, width=16)
    draw.rounded_rectangle((820, 470, 900, 560), radius=8, fill=WARM)  # the part


def _printer(draw):
    draw.rectangle((360, 160, 920, 600), outline=INK, width=26)  # frame
    draw.line([(360, 260), (920, 260)], fill=INK, width=18)  # gantry
    draw.rounded_rectangle((580, 230, 700, 310), radius=10, fill=ACCENT)  # print head
    draw.polygon([(625, 310), (655, 310), (640, 340)], fill=INK)
    draw.rectangle((420, 540, 860, 570), fill=(196, 204, 211))  # bed
    for layer in range(8):
        y = 530 - layer * 22
        inset = layer * 12
        draw.rounded_rectangle((520 + inset, y - 18, 760 - inset, y), radius=6, fill=WARM)


def _screen(draw):
    draw.rounded_rectangle((260, 150, 1020, 560), radius=28, fill=INK)
    draw.rounded_rectangle((290, 180, 990, 530), radius=14, fill=(255, 255, 255))
    draw.polygon([(590, 270), (590, 440), (730, 355)], fill=ACCENT)  # play
    draw.rectangle((560, 560, 720, 610), fill=INK)
    draw.rounded_rectangle((470, 600, 810, 630), radius=10, fill=INK)
    draw.rounded_rectangle((330, 470, 950, 490), radius=8, fill=SKY)  # progress bar
    draw.rounded_rectangle((330, 470, 560, 490), radius=8, fill=ACCENT)


def _network(draw):
    nodes = [(300, 250), (640, 170), (980, 260), (420, 520), (860, 520), (640, 380)]
    for a in nodes:
        for b in nodes:
            if a < b and math.dist(a, b) < 420:
                draw.line([a, b], fill=INK, width=10)
    for index, (x, y) in enumerate(nodes):
        radius = 58 if index == 5 else 42
        colour = ACCENT if index == 5 else WARM
        draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius), fill=colour, outline=INK, width=8
        )


MOTIFS = {"robotik": _robot, "3d-druck": _printer, "digitale-lerneinheiten": _screen}


def topic_picture(slug):
    """A flat illustration for a topic, as PNG bytes."""
    picture = PillowImage.new("RGB", (WIDTH, HEIGHT), SKY)
    draw = ImageDraw.Draw(picture)
    draw.ellipse((-200, 420, 700, 1100), fill=(214, 230, 236))
    draw.ellipse((820, -260, 1500, 360), fill=(221, 235, 240))
    MOTIFS.get(slug, _network)(draw)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def ensure_image(title, filename, data, size):
    """The image of this title, stored once; `size` is its (width, height) in pixels."""
    image = Image.objects.filter(title=title).first()
    if image is None:
        image = Image(title=title)
        image.file.save(filename, ContentFile(data), save=False)
        # Set after the file, which would reset them for a format Pillow cannot read (SVG).
        image.width, image.height = size
        image.save()
    return image


def ensure_document(title, path):
    """The document of this title (a file shipped in demo_media/), stored once."""
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title)
        document.file.save(path.name, ContentFile(path.read_bytes()), save=False)
        document.save()
    return document
