"""A small bar chart of views per day, drawn with Pillow for the daily email."""

import io
from datetime import date

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 560, 180
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_SIDE = 22, 24, 12
BACKGROUND, BAR, TEXT, AXIS = (255, 255, 255), (47, 93, 138), (95, 107, 118), (227, 224, 216)


def views_chart_png(series: list[tuple[date, int]]) -> bytes:
    """A PNG of one bar per day, labelled with the day of the month and the busiest count."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    baseline = HEIGHT - MARGIN_BOTTOM
    draw.line([(MARGIN_SIDE, baseline), (WIDTH - MARGIN_SIDE, baseline)], fill=AXIS, width=1)
    peak = max((views for _, views in series), default=0)
    draw.text((MARGIN_SIDE, 4), f"max {peak} views/day", fill=TEXT, font=font)
    slot = (WIDTH - 2 * MARGIN_SIDE) / max(len(series), 1)
    for index, (day, views) in enumerate(series):
        left = MARGIN_SIDE + index * slot + slot * 0.15
        right = MARGIN_SIDE + (index + 1) * slot - slot * 0.15
        height = (baseline - MARGIN_TOP) * views / peak if peak else 0
        if height:
            draw.rectangle([(left, baseline - height), (right, baseline - 1)], fill=BAR)
        draw.text((left, baseline + 6), f"{day.day:>2}", fill=TEXT, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
