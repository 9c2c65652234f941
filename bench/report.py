"""Printing the results table (plain text and Markdown)."""

from __future__ import annotations

from bench.common import Result


def _fmt(value: float, unit: str) -> str:
    return f"{value * 1e3:.1f}" if unit == "ms" else f"{value:.1f}"


def rows(results: list[Result]) -> list[tuple[str, ...]]:
    out = []
    for r in results:
        u = r.unit
        s = r.subject
        floor = "-" if r.floor is None else f"{_fmt(r.floor.median, u)} {u}"
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}x"
        if r.floor is not None and u == "ms":
            ratio += f" ({(r.excess or 0.0) * 1e3:+.1f} ms)"
        met = r.met()
        verdict = "report" if met is None else ("yes" if met else "NO")
        out.append(
            (
                r.bench,
                f"{_fmt(s.median, u)} {u}",
                f"{_fmt(s.low, u)}..{_fmt(s.high, u)}",
                floor,
                ratio,
                r.target or "-",
                verdict,
                r.note,
            )
        )
    return out


HEADER = ("benchmark", "median", "min..max", "floor (median)", "ratio", "target", "met", "note")


def text(results: list[Result]) -> str:
    table = [HEADER, *rows(results)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER) - 1)]
    lines = []
    for row in table:
        cells = [c.ljust(w) for c, w in zip(row, widths, strict=False)]
        lines.append("  ".join(cells) + ("  " + row[-1] if row[-1] else ""))
    return "\n".join(lines)


def markdown(results: list[Result]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in rows(results)]
    return "\n".join(lines)
