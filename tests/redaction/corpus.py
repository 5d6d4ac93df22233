"""The synthetic review corpus (``corpus/``) with its gold spans, and the measures used on it.

Full coverage: every non-space character of a gold span lies inside a replacement (the leak
test). Span precision: the share of replacements that overlap any gold span.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from jigsaw.redaction import KnownEntity, read_known_csv

CORPUS = Path(__file__).resolve().parent / "corpus"
_MARK = re.compile(r"\[\[(p|o|a|l|pc|nhs|tel|em|d):([^\]]+)\]\]")
TYPES = ("p", "o", "a", "l", "pc", "nhs", "tel", "em", "d")


@dataclass
class Passage:
    case: str
    text: str
    gold: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def words(self) -> int:
        return len(self.text.split())


def parse(marked: str, case: str = "") -> Passage:
    """Strip the ``[[TYPE:text]]`` marks, keeping each one's offsets in the plain text."""
    out, gold, at = [], [], 0
    plain_len = 0
    for m in _MARK.finditer(marked):
        chunk = marked[at:m.start()]
        out.append(chunk)
        plain_len += len(chunk)
        gold.append((plain_len, plain_len + len(m.group(2)), m.group(1)))
        out.append(m.group(2))
        plain_len += len(m.group(2))
        at = m.end()
    out.append(marked[at:])
    return Passage(case, "".join(out), gold)


def load_corpus() -> tuple[dict[str, list[KnownEntity]], list[Passage]]:
    """Known entities per case, and every passage in a fixed order."""
    known, passages = {}, []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        known[folder.name] = read_known_csv(folder / "known.csv")
        raw = (folder / "passages.txt").read_text(encoding="utf-8")
        for block in re.split(r"\n---\n", raw.strip()):
            passages.append(parse(block.strip(), folder.name))
    return known, passages


def score(passages: list[Passage], predictions: list[list[tuple[int, int]]]) -> dict:
    """Full coverage (overall and per type) and span precision over all passages."""
    full = defaultdict(lambda: [0, 0])
    hits = spans = 0
    for passage, predicted in zip(passages, predictions, strict=True):
        covered = bytearray(len(passage.text))
        for start, end in predicted:
            covered[start:end] = b"\1" * (end - start)
        for start, end, kind in passage.gold:
            ok = all(covered[i] or passage.text[i].isspace() for i in range(start, end))
            for key in (kind, "all"):
                full[key][0] += ok
                full[key][1] += 1
        for start, end in predicted:
            spans += 1
            hits += any(start < g_end and g_start < end for g_start, g_end, _k in passage.gold)
    return {
        "full_coverage": round(full["all"][0] / max(full["all"][1], 1), 4),
        "span_precision": round(hits / max(spans, 1), 4),
        "gold_spans": full["all"][1],
        "predicted_spans": spans,
        "full_coverage_by_type": {k: round(v[0] / v[1], 4) for k, v in sorted(full.items()) if k != "all"},
    }


def missed(passage: Passage, predicted: list[tuple[int, int]]) -> list[tuple[str, str]]:
    """(type, text) of the gold spans not fully covered: for reading a failure, never for a report."""
    covered = bytearray(len(passage.text))
    for start, end in predicted:
        covered[start:end] = b"\1" * (end - start)
    return [(kind, passage.text[s:e]) for s, e, kind in passage.gold
            if not all(covered[i] or passage.text[i].isspace() for i in range(s, e))]
