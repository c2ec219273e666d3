"""A small PNG bar chart for /stats, drawn pixel by pixel with zlib: daily questions by outcome.

matplotlib would be a large dependency for one picture; this draws stacked bars and light grid
lines only. The words (legend, scale) go in the message text, so nothing needs a font.
"""

from __future__ import annotations

import struct
import zlib

# outcome -> colour, bottom of the bar first; the legend in texts.yaml uses the same order and squares
COLOURS: dict[str, tuple[int, int, int]] = {
    "answer": (46, 160, 67),      # green
    "clarify": (240, 180, 0),     # amber
    "smalltalk": (150, 160, 175),  # grey
    "fallback": (214, 69, 65),    # red
}
WHITE = (255, 255, 255)
GRID = (225, 228, 232)
AXIS = (120, 120, 120)


def _png(width: int, height: int, rows: list[bytearray]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(row) for row in rows)  # filter type 0 on every row
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) \
        + chunk(b"IEND", b"")


def daily_chart(days: list[dict[str, int]], bar: int = 18, gap: int = 6, height: int = 240) -> bytes:
    """One stacked bar per day (oldest left), scaled to the busiest day."""
    margin = 12
    width = margin * 2 + len(days) * (bar + gap) - gap
    pixels = [bytearray(WHITE * width) for _ in range(height)]

    def paint(x0: int, x1: int, y0: int, y1: int, colour: tuple[int, int, int]) -> None:
        for y in range(max(0, y0), min(height, y1)):
            row = pixels[y]
            for x in range(max(0, x0), min(width, x1)):
                row[3 * x:3 * x + 3] = bytes(colour)

    top = max((sum(d.values()) for d in days), default=0) or 1
    plot_h = height - 2 * margin
    base = height - margin
    for quarter in (1, 2, 3, 4):
        y = base - plot_h * quarter // 4
        paint(margin, width - margin, y, y + 1, GRID)
    for i, counts in enumerate(days):
        x = margin + i * (bar + gap)
        y = base
        for outcome, colour in COLOURS.items():
            h = round(plot_h * counts.get(outcome, 0) / top)
            if h:
                paint(x, x + bar, y - h, y, colour)
                y -= h
    paint(margin, width - margin, base, base + 2, AXIS)
    return _png(width, height, pixels)
