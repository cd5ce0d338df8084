"""Lao word segmentation for line breaking: Lao has no spaces between words, so before a PDF renderer wraps a
paragraph we insert U+200B (zero-width space) between words.

A dictionary maximal-matching segmenter: dynamic programming over the text picks the split with the fewest
characters outside known words, then the fewest words. Breaks are never placed inside a character cluster
(before a vowel sign, tone mark or after a leading vowel). Unknown stretches (names) stay whole unless long,
in which case they break before leading vowels, like syllables.

Word list: data/lao_words.txt (Lao word list by Brian Eugene Wilson and Robert Martin Campbell, made for word
wrapping, BSD-style licence in its header, as shipped by LaoNLP) plus data/lao_words_extra.txt (ours).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

ZWSP = "\u200b"
DATA = Path(__file__).resolve().parent / "data"

LAO_RUN = re.compile(r"[\u0e81-\u0ecf\u0edc-\u0edf]+")  # Lao letters, vowels, marks and ໆ (not the Lao digits)
NO_BREAK_BEFORE = set("\u0eb0\u0eb1\u0eb2\u0eb3\u0eb4\u0eb5\u0eb6\u0eb7\u0eb8\u0eb9\u0eba\u0ebb\u0ebc\u0ebd"
                      "\u0ec6\u0ec8\u0ec9\u0eca\u0ecb\u0ecc\u0ecd\u0ece")
LEADING = set("\u0ec0\u0ec1\u0ec2\u0ec3\u0ec4")
LONG_UNKNOWN = 12

# spellings that coexist: (a, b) pairs; each dictionary word is added in both spellings
_VARIANTS = [("\u0eb3", "\u0ecd\u0eb2"), ("\u0eab\u0ebc", "\u0eab\u0ea5"), ("\u0edc", "\u0eab\u0e99"),
             ("\u0edd", "\u0eab\u0ea1")]
_TONES = "\u0ec8\u0ec9\u0eca\u0ecb"


def _spellings(word: str) -> set[str]:
    out = {word}
    for tone in _TONES:  # ນ້ຳ (tone + am) and ນໍ້າ (nikhahit + tone + aa)
        out |= {w.replace(tone + "\u0eb3", "\u0ecd" + tone + "\u0eb2") for w in out}
        out |= {w.replace("\u0ecd" + tone + "\u0eb2", tone + "\u0eb3") for w in out}
    for a, b in _VARIANTS:
        out |= {w.replace(a, b) for w in out} | {w.replace(b, a) for w in out}
    return out


@lru_cache(maxsize=1)
def words() -> tuple[frozenset[str], int]:
    found: set[str] = set()
    for name in ("lao_words.txt", "lao_words_extra.txt"):
        path = DATA / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            word = line.strip()
            if word and not word.startswith("#"):
                found |= _spellings(word)
    return frozenset(found), max((len(w) for w in found), default=1)


def _boundary(s: str, j: int) -> bool:
    return j <= 0 or j >= len(s) or (s[j] not in NO_BREAK_BEFORE and s[j - 1] not in LEADING)


def tokenize_run(s: str) -> list[str]:
    """Split one run of Lao letters into words."""
    vocab, maxlen = words()
    n = len(s)
    inf = (n + 1, n + 1)
    best: list[tuple[int, int]] = [inf] * (n + 1)
    back: list[tuple[int, bool]] = [(0, False)] * (n + 1)
    best[0] = (0, 0)
    for i in range(n):
        if best[i] == inf or not _boundary(s, i):
            continue
        unknown, count = best[i]
        for j in range(i + 1, min(n, i + maxlen) + 1):
            if _boundary(s, j) and s[i:j] in vocab and (unknown, count + 1) < best[j]:
                best[j], back[j] = (unknown, count + 1), (i, False)
        j = i + 1
        while not _boundary(s, j):
            j += 1
        cost = (unknown + (j - i), count + 1)
        if cost < best[j]:
            best[j], back[j] = cost, (i, True)
    pieces: list[tuple[str, bool]] = []
    j = n
    while j > 0:
        i, unknown = back[j]
        pieces.append((s[i:j], unknown))
        j = i
    pieces.reverse()
    tokens: list[str] = []
    pending = ""
    for piece, unknown in pieces:
        if unknown:
            pending += piece
            continue
        if pending:
            tokens.extend(_split_unknown(pending))
            pending = ""
        tokens.append(piece)
    if pending:
        tokens.extend(_split_unknown(pending))
    return tokens


def _split_unknown(s: str) -> list[str]:
    if len(s) <= LONG_UNKNOWN:
        return [s]
    out, start = [], 0
    for j in range(1, len(s)):
        if s[j] in LEADING and _boundary(s, j) and j - start >= 2:
            out.append(s[start:j])
            start = j
    out.append(s[start:])
    return out


def tokenize(text: str) -> list[str]:
    """Words of a text; non-Lao stretches (spaces, Latin, digits, punctuation) come through as they are."""
    out: list[str] = []
    pos = 0
    for m in LAO_RUN.finditer(text):
        if m.start() > pos:
            out.append(text[pos:m.start()])
        out.extend(tokenize_run(m.group()))
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def segment(text: str) -> str:
    """The text with U+200B between adjacent Lao words (breaks already there are kept)."""
    if not text or not LAO_RUN.search(text):
        return text
    return LAO_RUN.sub(lambda m: ZWSP.join(tokenize_run(m.group())), text)
