"""Benchmark of the importer on the seeds (issue 3: target ≤ 20 ms per 30,000 characters).

    python bench/importer_parse.py [--runs 20] [--warmups 3]

For each seed in ../shared/seeds (ZHENGGAI_SEEDS overrides): ``text.lines()`` + the parse of the
decoded text, then ``parse_bytes`` of variants built in memory (UTF-8, GB18030, an HTML page, a .docx
with one paragraph per line). Best and median of N runs after the warm-ups (``time.perf_counter``),
scaled to ms per 30,000 characters of the seed. Pure library: no Django, no database.
Writes bench/results/importer_parse.json and prints a table.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from docx import Document  # noqa: E402

from zhenggai.importer.parse import parse_bytes, parse_lines  # noqa: E402
from zhenggai.importer.text import lines  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "importer_parse.json"
SEEDS = Path(os.environ.get("ZHENGGAI_SEEDS", ROOT.parent / "shared" / "seeds"))
PER = 30_000  # characters
TARGET_MS = 20.0


def timed(fn: Callable[[], object], runs: int, warmups: int) -> dict[str, float]:
    for _ in range(warmups):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return {"best_ms": min(samples), "median_ms": statistics.median(samples)}


def as_html(text: str) -> bytes:
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.splitlines())
    page = (
        '<html><head><meta charset="utf-8"><style>p{margin:0}</style><script>var x=1;</script></head><body>'
        '<div class="nav">首页 新闻</div><div class="breadcrumb">当前位置：首页 > 正文</div>'
        f'<div class="article">{body}</div><div class="footer">版权所有</div></body></html>'
    )
    return page.encode("utf-8")


def as_docx(text: str) -> bytes:
    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def measure(path: Path, runs: int, warmups: int) -> dict:
    text = path.read_text(encoding="utf-8")
    parsed = parse_lines(lines(text))
    entry = {
        "file": path.name,
        "chars": len(text),
        "kind": parsed.document.kind,
        "problems": len(parsed.problems),
        "measures": parsed.measure_count(),
        "general_measures": len(parsed.general_measures),
        "timings": {"lines+parse": timed(lambda: parse_lines(lines(text)), runs, warmups)},
    }
    variants = {
        "utf-8": text.encode("utf-8"),
        "gb18030": text.encode("gb18030"),
        "html": as_html(text),
        "docx": as_docx(text),
    }
    for name, data in variants.items():
        filename = "plan.docx" if name == "docx" else ""
        entry["timings"][f"parse_bytes {name}"] = timed(lambda d=data, f=filename: parse_bytes(d, f), runs, warmups)
    for timing in entry["timings"].values():
        for key in ("best", "median"):
            timing[f"{key}_per_30k_ms"] = timing[f"{key}_ms"] * PER / len(text)
        for key in list(timing):
            timing[key] = round(timing[key], 2)
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmups", type=int, default=3)
    args = parser.parse_args()
    if not SEEDS.is_dir():
        sys.exit(f"seed folder {SEEDS} not found (set ZHENGGAI_SEEDS)")
    load_before = os.getloadavg()
    seeds = [measure(path, args.runs, args.warmups) for path in sorted(SEEDS.glob("*.txt"))]
    report = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "loadavg_before_after": [round(x, 2) for x in (*load_before, *os.getloadavg())],
        },
        "runs": args.runs,
        "warmups": args.warmups,
        "target_ms_per_30k_chars": TARGET_MS,
        "seeds": seeds,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    print(f"runs={args.runs} warmups={args.warmups} nproc={os.cpu_count()} (ms; /30k = scaled to 30,000 characters)")
    print(f"| seed | chars | what | best | median | best /30k | median /30k | ≤ {TARGET_MS:g} ms /30k |")
    print("|---|---:|---|---:|---:|---:|---:|---|")
    for seed in seeds:
        for what, t in seed["timings"].items():
            ok = "yes" if t["median_per_30k_ms"] <= TARGET_MS else "no"
            print(
                f"| {seed['file'][:3]} | {seed['chars']:,} | {what} | {t['best_ms']:.1f} | {t['median_ms']:.1f} "
                f"| {t['best_per_30k_ms']:.1f} | {t['median_per_30k_ms']:.1f} | {ok} |"
            )
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
