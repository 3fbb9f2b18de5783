"""Property-based fuzzing of the importer (issue 3, "Measured, not assumed").

Whatever the input — random bytes, random Chinese text full of field labels, or a seed document with
lines deleted, duplicated, swapped and characters inserted — ``parse_bytes`` either returns a
``ParsedDocument`` whose JSON round-trips, or raises ``UnreadableDocument``.  Nothing else, and never
a hang: every call runs under a 2 s alarm.  Example counts keep each test within a few seconds.
"""

from __future__ import annotations

import contextlib
import json
import signal
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhenggai.importer.model import ParsedDocument
from zhenggai.importer.parse import UnreadableDocument, parse_bytes

LIMIT_S = 2.0
SEEDS = ("000", "001", "002", "003", "004")

PUNCTUATION = "。，、；：（）“”"
DIGITS = "0123456789"
DATE_CHARS = "年月日"
LABELS = (
    "整改目标：",
    "整改时限：",
    "第一项，",
    "第十七项，",
    "一、",
    "二十一、",
    "1.",
    "2、",
    "（一）",
    "（二）",
    "整改进展：",
    "整改进度：",
    "整改措施：",
    "原因分析：",
    "责任单位：",
    "配合单位：",
    "责任领导：",
    "责任人员：",
    "督导单位：",
    "审核意见：",
    "整改时限修改为：",
    "附：",
    "（2018年6月30日）",
    "（长期）",
    "（立即启动）",
    "2020年年底前",
    "立行立改，持续加强，长期坚持",
    "各县区党委、政府",
    "（责任单位：市生态环境局；配合单位：各县区政府）",
    "关于补充完善整改方案的通知",
    "一、突出问题（3项）",
    "45项整改任务、179项具体措施",
    "市人民政府办公室",
    "2020年12月31日",
)
IDEOGRAPHS = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
CHINESEISH_CHAR = st.one_of(IDEOGRAPHS, st.sampled_from(PUNCTUATION + DIGITS + DATE_CHARS + " \t"))
FRAGMENT = st.one_of(st.sampled_from(LABELS), st.text(CHINESEISH_CHAR, min_size=1, max_size=40))
LINE = st.lists(FRAGMENT, min_size=0, max_size=6).map("".join)
CHINESE_TEXT = st.lists(LINE, min_size=1, max_size=60).map("\n".join)
ENCODINGS = st.sampled_from(("utf-8", "utf-8-sig", "gb18030"))


class Hang(Exception):
    """A parse that ran longer than LIMIT_S."""


@contextlib.contextmanager
def time_limit(seconds: float):
    def on_alarm(signum, frame):
        raise Hang(f"parse_bytes ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def parse_or_refuse(data: bytes, filename: str = "") -> ParsedDocument | None:
    """Parse under the time limit; only UnreadableDocument may escape; the JSON must round-trip."""
    started = time.perf_counter()
    with time_limit(LIMIT_S):
        try:
            parsed = parse_bytes(data, filename)
        except UnreadableDocument as exc:
            assert str(exc), "UnreadableDocument without a message"
            parsed = None
    elapsed = time.perf_counter() - started
    assert elapsed < LIMIT_S, f"parse took {elapsed:.2f} s"
    if parsed is not None:
        assert isinstance(parsed, ParsedDocument)
        assert json.loads(parsed.to_json()) == parsed.to_dict()
        assert ParsedDocument.from_dict(parsed.to_dict()) == parsed
    return parsed


FUZZ = settings(max_examples=500, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


# (a) random bytes ------------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(data):
    parse_or_refuse(data)


@FUZZ
@given(
    st.sampled_from((b"PK\x03\x04", b"%PDF-", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"<html><body>", b"")),
    st.binary(max_size=2048),
)
def test_random_bytes_behind_a_magic_number(prefix, data):
    parse_or_refuse(prefix + data, "plan.docx")


# (b) random Chinese-ish text -------------------------------------------------------------------


@FUZZ
@given(CHINESE_TEXT, ENCODINGS, st.sampled_from(("\n", "\r\n", "\r")))
def test_random_chinese_text(text, encoding, newline):
    parse_or_refuse(text.replace("\n", newline).encode(encoding))


@FUZZ
@given(CHINESE_TEXT)
def test_random_chinese_text_as_a_web_page(text):
    body = "".join(f"<p>{line}</p>" for line in text.splitlines())
    parse_or_refuse(f"<html><body><div class='nav'>首页 > 正文</div>{body}</body></html>".encode())


# (c) mutated seeds -----------------------------------------------------------------------------

OPERATION = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 10**6)),
    st.tuples(st.just("duplicate"), st.integers(0, 10**6)),
    st.tuples(st.just("swap"), st.integers(0, 10**6), st.integers(0, 10**6)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.integers(0, 10**6), FRAGMENT),
    st.tuples(st.just("truncate"), st.integers(0, 10**6)),
)


def mutate(lines: list[str], operations: list[tuple]) -> list[str]:
    lines = list(lines)
    for operation in operations:
        if not lines:
            break
        kind, i = operation[0], operation[1] % len(lines)
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = operation[2] % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "insert":
            at = operation[2] % (len(lines[i]) + 1)
            lines[i] = lines[i][:at] + operation[3] + lines[i][at:]
        else:  # truncate the document
            lines = lines[: i + 1]
    return lines


@pytest.fixture(scope="module")
def seed_lines(seeds_dir: Path) -> dict[str, list[str]]:
    return {
        prefix: next(seeds_dir.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8").splitlines() for prefix in SEEDS
    }


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.sampled_from(SEEDS), st.lists(OPERATION, min_size=1, max_size=25), ENCODINGS)
def test_mutated_seeds(seed_lines, prefix, operations, encoding):
    mutated = mutate(seed_lines[prefix], operations)
    parse_or_refuse("\n".join(mutated).encode(encoding))


# (d) JSON round trip (also checked by parse_or_refuse in every test above) ----------------------


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(LABELS), LINE), min_size=1, max_size=40))
def test_json_round_trip_of_labelled_documents(pairs):
    text = "\n".join(label + value for label, value in pairs)
    parsed = parse_or_refuse(text.encode())
    if parsed is not None:
        again = json.loads(parsed.to_json())
        assert set(again) == {"document", "problems", "general_measures", "amendments", "warnings"}
        assert again["document"]["kind"] in {"plan", "report", "narrative", "amendment"}
