"""A per-minute throughput chart as inline SVG: no chart library, no front-end build."""

from datetime import datetime

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, BAR = 600, 120, 10


def throughput_svg(series: list[tuple[datetime, int, int]]) -> SafeString:
    peak = max((ok + bad for _, ok, bad in series), default=0) or 1
    bars = []
    for index, (minute, ok, bad) in enumerate(series):
        x = index * BAR
        ok_h, bad_h = HEIGHT * ok / peak, HEIGHT * bad / peak
        label = f"{minute:%H:%M} — {ok} succeeded, {bad} failed"
        top, middle = HEIGHT - ok_h - bad_h, HEIGHT - ok_h
        bars.append(
            (x, f"{top:.1f}", f"{bad_h:.1f}", label, x, f"{middle:.1f}", f"{ok_h:.1f}", label)
        )
    rects = format_html_join(
        "",
        '<rect class="bad" x="{}" y="{}" width="9" height="{}"><title>{}</title></rect>'
        '<rect class="ok" x="{}" y="{}" width="9" height="{}"><title>{}</title></rect>',
        bars,
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="Jobs finished per minute,'
        ' last hour (peak {})">{}<text class="label" x="0" y="10">{} / min</text>'
        '<text class="label" x="0" y="{}">60 min ago</text>'
        '<text class="label" x="{}" y="{}" text-anchor="end">now</text></svg>',
        WIDTH, HEIGHT + 14, peak, rects, peak, HEIGHT + 12, WIDTH, HEIGHT + 12,
    )  # fmt: skip
