"""Remove personal data from transcripts and comments before anything is stored.

What is found and what replaces it:

- ``[EMAIL]``: written (``jo.smith@example.com``) or spoken (``jo dot smith at example dot com``);
- ``[IBAN]``: validated with ``stdnum.iban``;
- ``[CARD]``: digit runs of 13-19 digits that pass the Luhn check (``stdnum.luhn``), written with
  any spacing or dashes, or spoken digit by digit ("four two four two ...", "quatre deux ...");
- ``[PHONE]``: digit runs that ``phonenumbers`` accepts as a valid or possible number in one of
  the regions we serve, or that start with ``+``;
- ``[NUMBER]``: any other run of 7 or more digits (an account or reference number we cannot type,
  or a number speech recognition broke into pieces: a long unexplained number is more likely
  identifying than not); after a phone cue ("phone", "number", "numéro"...) 5 digits suffice;
- ``[DOB]``: a full date whose year is at least 16 years back, or any date spoken within a few
  words after "born", "birth", "DOB", "né(e)", "naissance";
- ``[ADDRESS]``: a house number followed by a street name and a street type (English and French),
  and UK postcodes.

Ordinary numbers stay: amounts, installment counts, days of the month and payment dates are short
digit runs or recent dates, which none of the rules above match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import phonenumbers
from stdnum import iban, luhn

PHONE_REGIONS = ("GB", "FR", "US", "DE", "ES", "IT", "NL", "BE", "IE", "PT", "CA", "AU")
MIN_ADULT_AGE = 16


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str


# --- digits, written or spoken ------------------------------------------------------------------

_DIGIT_WORDS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    "zéro": "0", "un": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5",
    "sept": "7", "huit": "8", "neuf": "9",
}
_WORD_ALT = "|".join(sorted(_DIGIT_WORDS, key=len, reverse=True))
_TOKEN = rf"(?:\+?\d+(?![\w])|(?:{_WORD_ALT})(?![\w]))"
_SEP = r"[\s,.\-/()]{0,3}"
_DIGIT_RUN = re.compile(rf"(?<![\w]){_TOKEN}(?:{_SEP}{_TOKEN})*", re.IGNORECASE)


def _digits_of(run: str) -> str:
    out = []
    for token in re.findall(rf"\d+|{_WORD_ALT}", run, flags=re.IGNORECASE):
        out.append(token if token.isdigit() else _DIGIT_WORDS[token.lower()])
    return "".join(out)


def _is_phone(digits: str, has_plus: bool) -> bool:
    if has_plus and 8 <= len(digits) <= 15:
        return True
    for region in PHONE_REGIONS:
        try:
            number = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
    # A national number that the plan does not list as valid (a fictional or new range) is still
    # a phone number when it has a trunk prefix and a phone's length.
    if digits.startswith("0") and 9 <= len(digits) <= 11:
        for region in PHONE_REGIONS:
            try:
                if phonenumbers.is_possible_number(phonenumbers.parse(digits, region)):
                    return True
            except phonenumbers.NumberParseException:
                continue
    return False


def _classify_digits(run: str, phone_cue: bool) -> str | None:
    digits = _digits_of(run)
    if 13 <= len(digits) <= 19 and luhn.is_valid(digits):
        return "CARD"
    if len(digits) >= 7 and _is_phone(digits, run.lstrip().startswith("+")):
        return "PHONE"
    # Right after "phone", "number", "call me"..., even a fragment of a number (speech
    # recognition often breaks a spoken number into pieces) is part of one.
    if phone_cue and len(digits) >= 5:
        return "PHONE"
    if len(digits) >= 7:
        return "NUMBER"
    return None


_PHONE_CUE = re.compile(
    r"\b(?:phone|mobile|number|call me|reach me|ring me|téléphone|portable|numéro|appelez)",
    re.IGNORECASE,
)


def _trim_run(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a digit run to start and end on a digit or digit word, not a separator."""
    while end > start and text[end - 1] in " ,.-/()":
        end -= 1
    while start < end and text[start] in " ,.-/()":
        start += 1
    return start, end


# --- e-mail and IBAN ------------------------------------------------------------------------------

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_SPOKEN_EMAIL = re.compile(
    r"\b[\w.+-]+(?:\s+(?:dot|point)\s+[\w+-]+)*\s+(?:at|arobase|@)\s+[\w-]+"
    r"(?:(?:\.|\s+(?:dot|point)\s+)[a-z]{2,6})+\b",
    re.IGNORECASE,
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){11,30}\b")

# --- dates ----------------------------------------------------------------------------------------

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
    "novembre|décembre|decembre"
)
_DAY = r"(?:[0-3]?\d(?:st|nd|rd|th|er)?|premier)"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_DATE = re.compile(
    "|".join((
        rf"\b{_DAY}(?:\s+of)?\s+(?:{_MONTHS})\b(?:,?\s+{_YEAR}\b)?",  # 12th of March 1985
        rf"\b(?:{_MONTHS})\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?",  # March 12, 1985
        rf"\b[0-3]?\d[/.\-][01]?\d[/.\-](?:{_YEAR}|\d\d)\b",  # 12/03/1985
        rf"\b{_YEAR}-[01]\d-[0-3]\d\b",  # 1985-03-12
        rf"\b(?:{_MONTHS})\s+{_YEAR}\b",  # March 1985
    )),
    re.IGNORECASE,
)
_BIRTH_CUE = re.compile(
    r"\b(?:born|birth|birthday|dob|d\.o\.b|née?|naissance|anniversaire)\b", re.IGNORECASE
)
_BARE_YEAR = re.compile(rf"\b{_YEAR}\b")
_YEAR_IN = re.compile(r"(?:1[89]\d\d|20\d\d|(?<=[/.\-])\d\d)\b")

# --- addresses ------------------------------------------------------------------------------------

_EN_STREET = (
    r"street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|close|court|ct|place|"
    r"pl|square|sq|crescent|terrace|grove|gardens|hill|row|walk|park|parade"
)
_FR_STREET = r"rue|avenue|av|boulevard|bd|allée|allee|chemin|impasse|place|quai|route|square"
_NAME = r"[A-ZÀ-Ý][\wÀ-ÿ'\u2019-]*"
_ADDRESS = re.compile(
    "|".join((
        # 12 Baker Street, 4b Mill Road: a capitalised street name, then its type.
        rf"\b\d{{1,4}}[a-z]?,?\s+(?:{_NAME}\s+){{1,3}}(?i:{_EN_STREET})\b\.?",
        # "I live at 12 baker street": any case after an address cue.
        rf"(?i:(?<=live at )|(?<=living at )|(?<=address is )|(?<=moved to ))\d{{1,4}}[a-z]?,?"
        rf"\s+(?:[\w'\u2019-]+\s+){{1,3}}(?i:{_EN_STREET})\b",
        # 12 rue de la Paix, 3 bis avenue Victor Hugo.
        rf"\b\d{{1,4}}(?:\s*(?:bis|ter))?,?\s+(?i:{_FR_STREET})\s+"
        rf"(?:(?i:de\s+la|de\s+l'|des|du|de|d')\s*[\wÀ-ÿ'\u2019-]+|{_NAME})(?:\s+{_NAME}){{0,2}}",
        r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b",  # UK postcode
    )),
)


def _valid_iban_end(text: str, start: int, end: int) -> int | None:
    """End of the longest prefix of a candidate that is a valid IBAN (greedy text may run on)."""
    for stop in range(end, start + 14, -1):
        if text[stop - 1].isalnum() and iban.is_valid(text[start:stop]):
            return stop
    return None


def find_pii(text: str, today: date | None = None) -> list[Span]:
    """Every personal-data span in ``text``, non-overlapping, in order."""
    today = today or date.today()
    found: list[Span] = []
    taken = [False] * len(text)

    def claim(start: int, end: int, label: str | None) -> None:
        """Record a span (or, with no label, protect it from later rules) if still free."""
        if start >= end or any(taken[start:end]):
            return
        for i in range(start, end):
            taken[i] = True
        if label:
            found.append(Span(start, end, label))

    for m in _EMAIL.finditer(text):
        claim(m.start(), m.end(), "EMAIL")
    for m in _SPOKEN_EMAIL.finditer(text):
        claim(m.start(), m.end(), "EMAIL")
    for m in _IBAN.finditer(text):
        end = _valid_iban_end(text, m.start(), m.end())
        if end:
            claim(m.start(), end, "IBAN")
    for m in _DATE.finditer(text):
        years = [int(y) for y in _YEAR_IN.findall(m.group()) if len(y) == 4]
        old = bool(years) and years[0] <= today.year - MIN_ADULT_AGE
        cue = _BIRTH_CUE.search(text, max(0, m.start() - 40), m.start())
        # Recent or year-less dates are payment dates: protect them from the digit rules.
        claim(m.start(), m.end(), "DOB" if old or cue else None)
    for m in _BARE_YEAR.finditer(text):
        if _BIRTH_CUE.search(text, max(0, m.start() - 25), m.start()):
            claim(m.start(), m.end(), "DOB")
    for m in _ADDRESS.finditer(text):
        claim(m.start(), m.end(), "ADDRESS")
    for m in _DIGIT_RUN.finditer(text):
        start, end = _trim_run(text, m.start(), m.end())
        cue = _PHONE_CUE.search(text, max(0, start - 40), start) is not None
        label = _classify_digits(text[start:end], cue)
        if label:
            claim(start, end, label)
    return sorted(found, key=lambda s: s.start)


def redact(text: str, today: date | None = None) -> str:
    """``text`` with every personal-data span replaced by its typed placeholder."""
    if not text:
        return text
    out, cursor = [], 0
    for span in find_pii(text, today):
        out += [text[cursor:span.start], f"[{span.label}]"]
        cursor = span.end
    out.append(text[cursor:])
    return "".join(out)


def redact_segments(segments: list[dict], today: date | None = None) -> tuple[str, list[dict]]:
    """Redact timestamped segments as one text, so PII split across segments is caught too.

    Returns the redacted full text and the segments with their text redacted; a span crossing a
    segment boundary leaves its placeholder in the segment where it starts.
    """
    pieces, offsets, cursor = [], [], 0
    for seg in segments:
        piece = seg["text"].strip()
        offsets.append((cursor, cursor + len(piece)))
        pieces.append(piece)
        cursor += len(piece) + 1
    full = " ".join(pieces)
    spans = find_pii(full, today)
    redacted_segments = []
    for seg, (seg_start, seg_end) in zip(segments, offsets, strict=True):
        out, pos = [], seg_start
        for span in spans:
            if span.end <= seg_start or span.start >= seg_end:
                continue
            out.append(full[pos:max(pos, span.start)])
            if span.start >= seg_start:
                out.append(f"[{span.label}]")
            pos = max(pos, min(span.end, seg_end))
        out.append(full[pos:seg_end])
        redacted_segments.append({**seg, "text": re.sub(r"\s+", " ", "".join(out)).strip()})
    return redact(full, today), redacted_segments
