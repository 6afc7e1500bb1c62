"""Small SVG charts written as plain text: lines over account counts, and horizontal bars."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 190, 34, 46
COLORS = ["#2f80ed", "#eb5757", "#27ae60", "#9b51e0", "#f2994a", "#828282"]
FONT = 'font-family="system-ui,sans-serif" font-size="11"'


@dataclass
class Series:
    name: str
    values: list[float | None]
    dashed: bool = False


def _scale(value: float) -> tuple[float, float]:
    """An axis end and a round tick step (1, 2 or 5 × 10^k) with at most 8 steps to it."""
    value = max(value, 1e-9)
    magnitude = 10 ** math.floor(math.log10(value / 8))
    step = next(m * magnitude for m in (1, 2, 5, 10, 20) if value / (m * magnitude) <= 8)
    return math.ceil(value / step) * step, step


def _frame(title: str, y_label: str, y_max: float, step: float) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" {FONT}>',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
             f'<text x="{LEFT}" y="20" font-size="13" font-weight="600">{escape(title)}</text>',
             f'<text transform="translate(14 {TOP + plot_h / 2}) rotate(-90)" '
             f'text-anchor="middle">{escape(y_label)}</text>']
    for i in range(round(y_max / step) + 1):
        y = TOP + plot_h - plot_h * i * step / y_max
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#e0e0e0"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{i * step:g}</text>')
    return parts


def _legend(parts: list[str], entries: list[tuple[str, str, bool]]) -> None:
    x = WIDTH - RIGHT + 14
    for i, (name, color, dashed) in enumerate(entries):
        y = TOP + 10 + i * 18
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        parts.append(f'<line x1="{x}" x2="{x + 22}" y1="{y}" y2="{y}" stroke="{color}" '
                     f'stroke-width="2"{dash}/>')
        parts.append(f'<text x="{x + 28}" y="{y + 4}">{escape(name)}</text>')


def line_chart(title: str, x_labels: list[str], x_title: str, y_label: str,
               series: list[Series], limits: dict[str, float] | None = None) -> str:
    """Lines over equally spaced categories (account counts 1, 10, 100, 1000 are equally
    spaced on a log scale); `limits` are labelled horizontal lines such as targets."""
    limits = limits or {}
    values = [v for s in series for v in s.values if v is not None] + list(limits.values())
    y_max, step = _scale(max(values, default=1.0) * 1.05)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    x_step = plot_w / max(1, len(x_labels) - 1)
    x_at = [LEFT + (i * x_step if len(x_labels) > 1 else plot_w / 2) for i in range(len(x_labels))]

    def y_at(value: float) -> float:
        return TOP + plot_h - plot_h * value / y_max

    parts = _frame(title, y_label, y_max, step)
    for x, label in zip(x_at, x_labels):
        parts.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">'
                     f'{escape(label)}</text>')
    parts.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 8}" text-anchor="middle">'
                 f'{escape(x_title)}</text>')
    entries = []
    for i, s in enumerate(series):
        color = COLORS[i % len(COLORS)]
        points = [(x, y_at(v)) for x, v in zip(x_at, s.values) if v is not None]
        dash = ' stroke-dasharray="5 3"' if s.dashed else ""
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" '
                     f'stroke-width="2"{dash}/>')
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>' for x, y in points]
        entries.append((s.name, color, s.dashed))
    for name, value in limits.items():
        y = y_at(value)
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#333" stroke-dasharray="2 3"/>')
        parts.append(f'<text x="{LEFT + plot_w - 4}" y="{y - 4:.1f}" fill="#333" '
                     f'text-anchor="end">{escape(name)}</text>')
    _legend(parts, entries)
    return "\n".join(parts + ["</svg>"]) + "\n"


def bar_chart(title: str, x_label: str, bars: list[tuple[str, float, float]]) -> str:
    """Horizontal bars (label, value, whisker end), e.g. mean with a line to p95."""
    row, left = 26, 300
    height = TOP + row * len(bars) + BOTTOM
    x_max, step = _scale(max((w for _, _, w in bars), default=1.0) * 1.05)
    plot_w = WIDTH - left - 24

    def x_at(value: float) -> float:
        return left + plot_w * value / x_max

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" {FONT}>',
             f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>',
             f'<text x="12" y="20" font-size="13" font-weight="600">{escape(title)}</text>']
    for i in range(round(x_max / step) + 1):
        value = i * step
        x = x_at(value)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{height - BOTTOM}" '
                     f'stroke="#e0e0e0"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - BOTTOM + 14}" text-anchor="middle">'
                     f'{value:g}</text>')
    parts.append(f'<text x="{left + plot_w / 2}" y="{height - 10}" text-anchor="middle">'
                 f'{escape(x_label)}</text>')
    for i, (label, value, whisker) in enumerate(bars):
        y = TOP + i * row + 4
        color = COLORS[i % len(COLORS)]
        parts.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{x_at(value) - left:.1f}" height="18" '
                     f'fill="{color}"/>')
        parts.append(f'<line x1="{x_at(value):.1f}" x2="{x_at(whisker):.1f}" y1="{y + 9}" '
                     f'y2="{y + 9}" stroke="#333"/>')
    return "\n".join(parts + ["</svg>"]) + "\n"
