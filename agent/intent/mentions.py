"""Mentions in a sentence: the part and its features (holes, cuts, added pieces, what
it fits), with their counts ("four", "2x", "a row of 6", "a fourth")."""

from __future__ import annotations

import difflib
import re

from agent.intent.lexicon import (
    ADD_NOUNS,
    CUT_NOUNS,
    DEFINITE,
    HOLE_MODIFIERS,
    HOLE_NOUNS,
    KIND_NAMES,
    KNOWN_WORDS,
    MATE_NOUNS,
    MATE_WORDS,
    MODIFIERS,
    REF_NOUNS,
    SINGLE_KIND,
    SINGLE_NAMES,
    STOP,
    SURFACES,
)
from agent.intent.reading import Mention
from agent.intent.words import NUMBER_WORDS, ORDINALS, Sentence, Token, count_word, quote


def singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def kind_at(tokens: tuple[Token, ...], k: int) -> tuple[str, int] | None:
    """(kind, first token of its name) when a part-kind name ends at token k."""
    for words, kind in KIND_NAMES:
        n = len(words)
        if k - n + 1 < 0:
            continue
        span = tokens[k - n + 1 : k + 1]
        texts = [t.text for t in span]
        if all(t.kind == "word" for t in span) and (
            texts[:-1] == list(words[:-1]) and singular(texts[-1]) == words[-1]
        ):
            return kind, k - n + 1
    return None


def _mention_role(noun: str, kind: str | None) -> str:
    if noun in HOLE_NOUNS:
        return "hole"
    if noun in SURFACES and kind is None:
        return "surface"
    if noun in CUT_NOUNS:
        return "cut"
    if noun in REF_NOUNS:
        return "ref"
    if kind is not None:
        return "base"
    if noun in ADD_NOUNS:
        return "add"
    return ""


def find_mentions(sentence: Sentence) -> list[Mention]:
    toks = sentence.tokens
    found: list[Mention] = []
    k = 0
    while k < len(toks):
        tok = toks[k]
        if tok.kind != "word":
            k += 1
            continue
        # a part-kind name may span words ("fan grill"); the longest one ending at the last
        # noun wins, so look ahead for multi-word names first
        best: tuple[str, int, int] | None = None
        for end in range(min(len(toks) - 1, k + 2), k - 1, -1):
            hit = kind_at(toks, end)
            if hit is not None and hit[1] == k:
                best = (hit[0], k, end)
                break
        if best is None and len(tok.text) >= 5 and tok.text not in KNOWN_WORDS:
            close = difflib.get_close_matches(tok.text, SINGLE_NAMES, n=1, cutoff=0.86)
            if close:
                best = (SINGLE_KIND[close[0]], k, k)
        if best is not None and k > 0 and toks[k - 1].text in ("that", "which", "to", "it",
                                                                "who", "and"):
            if toks[k - 1].text != "and" or toks[best[2]].text.endswith("s"):
                best = None  # a verb: "a retainer that clamps the race"
                k += 1
                continue
        while best is not None and best[2] + 1 < len(toks):
            # a compound's last noun is its head: "adapter plate", "pipe saddle clamp"
            nxt = None
            for end in range(min(len(toks) - 1, best[2] + 3), best[2], -1):
                hit = kind_at(toks, end)
                if hit is not None and hit[1] == best[2] + 1:
                    nxt = (hit[0], best[1], end)
                    break
            if nxt is None:
                break
            best = nxt
        after_plural = k > 0 and toks[k - 1].kind == "word" and toks[k - 1].text.endswith("s") \
            and toks[k - 1].text in ADD_NOUNS | CUT_NOUNS | HOLE_NOUNS
        counted = any(t.kind == "num" or t.text in NUMBER_WORDS for t in toks[max(0, k - 4) : k])
        if best is not None and (toks[best[2]].text.endswith("s") or after_plural) and \
                not counted and best[2] + 1 < len(toks) and \
                toks[best[2] + 1].text in ("on", "onto", "over", "into", "around", "up", "down",
                                           "out", "in", "to", "from", "at", "the", "a", "an"):
            k = best[2] + 1
            continue  # "stands on top", "clamps onto the desk", "hooks over": a verb (but
            # "four 6 mm standoffs on a plate" are counted things)
        if best is not None and best[2] + 1 < len(toks) and (
                toks[best[2] + 1].text in HOLE_NOUNS | CUT_NOUNS):
            k = best[2] + 1
            continue  # "a 5 mm ring hole", "dowel holes": the hole is the thing
        if best is not None:
            kind, first, last = best
            noun = toks[last].text
            role = "cut" if noun in ("trap", "traps") else _mention_role(noun, kind)
            found.append(Mention(noun, role, kind if role in ("base", "add") else kind,
                                 sentence.index, last, quote(sentence, first, last)))
            k = last + 1
            continue
        role = _mention_role(tok.text, None)
        nxt = toks[k + 1].text if k + 1 < len(toks) else ""
        if tok.text == "cut" and nxt in ("the", "it", "its", "down", "back", "off", "to"):
            k += 1
            continue  # "cut the length to 40": a verb
        if tok.text in ("section", "sections", "length", "piece") and k > 0 and \
                kind_at(toks, k - 1) is not None:
            k += 1
            continue  # "a pipe section": the pipe itself
        verb_next = k + 2 < len(toks) and toks[k + 2].text in ("on", "onto", "over", "into",
                                                               "around", "up", "down", "out",
                                                               "from", "at")
        if role in ("add", "cut") and k + 1 < len(toks) and not verb_next and (
                kind_at(toks, k + 1) is not None or nxt in HOLE_NOUNS):
            k += 1
            continue  # "foot plate", "tab hole": the next noun is the thing
        if role == "hole" and not tok.text.endswith("s") and nxt in HOLE_MODIFIERS:
            role = ""  # "hole spacing", "hole pattern": a measure of holes named elsewhere
        if tok.text in ("face", "faces") and k > 0 and toks[k - 1].text in ("raised", "sealing"):
            role = "add"
        if role and not (tok.text == "it" and k + 1 < len(toks) and toks[k + 1].text == "s"):
            found.append(Mention(tok.text, role, None, sentence.index, k,
                                 quote(sentence, k, k)))
        k += 1
    return found


def mark_mates(sentence: Sentence, found: list[Mention]) -> list[Mention]:
    """Nouns the part fits or holds ("for a 6 mm shaft", "fits a 22 mm bearing") become
    "mate" mentions: their sizes describe a bore or an opening, not a piece of the part."""
    toks = sentence.tokens
    positions = {m.pos for m in found}
    head = found[0] if sentence.index == 0 and found else None
    for k, tok in enumerate(toks):
        if tok.kind == "word" and tok.text in MATE_NOUNS and k not in positions:
            found.append(Mention(tok.text, "", None, sentence.index, k, quote(sentence, k, k)))
    found.sort(key=lambda m: m.pos)
    kept = []
    for m in found:
        j = first_word_of(m, toks) - 1
        steps = 0
        free = 0
        while j >= 0 and steps < 6:
            t = toks[j]
            if t.kind in ("len", "num", "screw") or t.text in (
                    "a", "an", "the", "(", ")", "standard", "m", "its", "their", "out", "up",
                    "off", "down") or \
                    t.text in MODIFIERS:
                pass
            elif t.kind == "word" and free < 1 and (m.noun in MATE_NOUNS or m.kind or
                                                    m.role in ("hole", "cut")) and \
                    t.text not in MATE_WORDS and t.text not in STOP:
                free += 1
            else:
                break
            j -= 1
            steps += 1
        hole_fit = m.role in ("hole", "cut") and toks[j].text in ("for", "fits", "fit") \
            if j >= 0 else False
        if j >= 0 and toks[j].text in MATE_WORDS and (m.role not in ("hole", "ref", "surface")
                                                    or hole_fit) and m is not head:
            m.role = "mate"
        owner = first_word_of(m, toks) - 1
        while owner >= 0 and toks[owner].text in MODIFIERS:
            owner -= 1
        if owner >= 2 and toks[owner].text == "s" and toks[owner - 1].text == "'" and \
                toks[owner - 2].text in MATE_NOUNS and m.role in ("add", "base", "cut"):
            m.role = "mate"  # "the motor's pilot boss": the motor's, not the part's
        if owner >= 0 and toks[owner].text in ("my", "our", "your", "his", "her", "their") \
                and m.role in ("add", "base"):
            m.role = "mate"  # "my shelf sags ...": a thing the person owns, not the part
        if m.role:
            kept.append(m)
    return kept


# ------------------------------------------------------------------ counts
def count_before(toks: tuple[Token, ...], k: int, mention: Mention) -> None:
    """Read the count and the article in front of the noun at k (skipping modifiers)."""
    j = k - 1
    sizes_between = False
    while j >= 0 and k - j <= 8:
        tok = toks[j]
        word = tok.text
        if tok.kind == "len" or (tok.kind == "num" and _in_size_group(toks, j)):
            sizes_between = True
            j -= 1
            continue
        if tok.kind == "screw":
            mention.screw = tok.value
            if j >= 2 and toks[j - 1].text == "x" and toks[j - 2].kind == "num" and \
                    mention.role != "hole":
                mention.screw_count = count_word(toks[j - 2])  # "4x M3 mounting plate"
            j -= 1
            continue
        if word in ("x", "by") and j > 0 and toks[j - 1].kind == "num" and not sizes_between:
            # "4 x M3 holes" / "2 x 3 grid of holes"
            j -= 1
            continue
        if word in ("any", "all", "the") and j >= 1 and toks[j - 1].text in (
                "without", "no", "remove", "delete"):
            mention.negated = True  # "without any holes", "remove all the holes"
            return
        if word in ("no", "without", "zero") or (word == "remove" and mention.count is None) or \
                (word == "than" and j >= 1 and toks[j - 1].text == "rather") or \
                (word == "of" and j >= 1 and toks[j - 1].text == "instead"):
            mention.negated = True
            return
        if word in ("another",):
            mention.count, mention.relative = 1, True
            return
        if word in ("more", "extra", "additional"):
            mention.relative = True
            j -= 1
            continue
        if word in ORDINALS:
            mention.ordinal = ORDINALS[word]
            j -= 1
            continue
        count = count_word(tok)
        if count is not None and tok.kind == "num" and (
                (j >= 1 and toks[j - 1].text in ("diameter", "radius", "dia")) or
                (count > 1 and not mention.noun.endswith("s") and mention.noun not in (
                    "boss",))):
            # "Ø10 bore" (diameter 10), "8 bore": a size written without its unit
            sizes_between = True
            j -= 1
            continue
        if count is not None and tok.kind in ("num", "word"):
            # "2 x 3 holes" / "3 by 2 grid of holes"
            if j >= 2 and toks[j - 1].text in ("x", "by") and count_word(toks[j - 2]):
                count *= count_word(toks[j - 2]) or 1
            # "two rows of three holes", "3 sets of 2 holes"
            if j >= 3 and toks[j - 1].text == "of" and toks[j - 2].text in (
                    "rows", "row", "columns", "lines", "sets", "groups", "pairs") and \
                    count_word(toks[j - 3]):
                count *= count_word(toks[j - 3]) or 1
            mention.count = count
            if j >= 1 and toks[j - 1].text in DEFINITE:
                mention.definite = True
            return
        if word == "pair" and k > j:
            mention.count = 2
            return
        if word in ("a", "an", "single", "one"):
            mention.count = 1
            return
        if word in DEFINITE:
            mention.definite = True
            if word in ("both",):
                mention.count = 2
            return
        if word in ("ring", "circle", "row", "rows", "series", "set", "array", "pattern",
                    "grid") and toks[j + 1].text != "of":
            j -= 1
            continue  # "a 5 mm ring hole": a modifier, not "a ring of holes"
        if word in ("some", "several", "many", "few", "multiple", "couple", "various",
                    "bunch", "lots", "lot", "number", "array", "pattern", "grid", "row",
                    "rows", "ring", "circle", "series", "set"):
            if word in ("rows", "row", "grid", "array", "pattern", "ring", "circle", "set",
                        "series") and _grid_count(toks, j) is not None:
                mention.count = _grid_count(toks, j)
                return
            mention.unclear = f"'{word} {mention.noun}'"
            return
        if word == "of" and j >= 1 and toks[j - 1].text in ("pair",):
            mention.count = 2
            return
        if word == "of":
            j -= 1
            continue
        if tok.kind == "word" and (word in MODIFIERS or word in ("m",)):
            j -= 1
            continue
        if tok.kind == "num" and not sizes_between:
            # a bare number right before the noun: a count ("6 holes")
            count = count_word(tok)
            if count is not None:
                mention.count = count
                return
        if tok.kind == "punct" and word in ("(", ")", "-", "/"):
            j -= 1
            continue
        return


def count_after(toks: tuple[Token, ...], k: int) -> int | None:
    """"holes, 5 columns by 3 rows", "bits, 2 rows of 6", "3 across and 2 down"."""
    words = [t.text for t in toks[k + 1 : k + 12]]
    text = " ".join(words)
    number = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)"
    m = re.search(number + r" (?:columns?|rows?|across)\b(?: \w+){0,3}? (?:by|and|x) " + number
                  + r" (?:rows?|columns?|down)\b", text) or re.search(
        number + r" rows? of " + number + r"\b", text)
    if not m:
        return None
    values = [count_word(Token(g, "num" if g.isdigit() else "word", float(g) if g.isdigit()
                               else None)) for g in m.groups()]
    return values[0] * values[1] if all(values) else None


def _in_size_group(toks: tuple[Token, ...], j: int) -> bool:
    """Is the number at j one side of "A x B" with a length on the other side (not the
    count of "4 x M3 holes")?"""
    nxt = toks[j + 2] if j + 2 < len(toks) and toks[j + 1].text in ("x", "by") else None
    prev = toks[j - 2] if j >= 2 and toks[j - 1].text in ("x", "by") else None
    return any(t is not None and t.kind in ("len", "num") for t in (nxt, prev))


def _grid_count(toks: tuple[Token, ...], j: int) -> int | None:
    """"a 5 x 3 grid of", "3 by 2 pattern of", "grid of 8 columns by 3 rows"."""
    window = [t for t in toks[max(0, j - 4) : j + 8]]
    numbers = [count_word(t) for t in window if count_word(t)]
    texts = [t.text for t in window]
    if ("x" in texts or "by" in texts) and len(numbers) >= 2:
        return numbers[0] * numbers[1]
    return None


def first_word_of(m: Mention, toks: tuple[Token, ...]) -> int:
    """Index of the first word of a (possibly multi-word) mention."""
    n = len(m.phrase.split())
    return m.pos - n + 1
