"""Vietnamese dictionary order for names, for lists shown to people.

No well-kept collation library installs here (PyICU needs the ICU C++ library; babel has
no collation; pyuca knows only the untailored Unicode order, which puts ă, â after every
a-word's variants and compares tone marks before letters), so the order is written here,
once. It follows Vietnamese dictionaries (and CLDR's `vi` tailoring):

1. Letters first, in the Vietnamese alphabet: a ă â b c d đ e ê g h i k l m n o ô ơ p q r
   s t u ư v x y (f j w z of foreign names in their Latin places). A space sorts before
   every letter, so names compare word by word ("A Lưới" before "An Giang"); digits sort
   before letters and a run of digits by its value ("Phường 2" before "Phường 10");
   punctuation (hyphens, apostrophes) is ignored.
2. Then tone marks, only between names whose letters are equal: none, huyền (à), hỏi (ả),
   ngã (ã), sắc (á), nặng (ạ).
3. Then lower case before upper case, then the text itself, so the order is total.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Letters map to private-use characters in alphabet order: above digits and the space.
_LETTER_RANK = {letter: chr(0xE000 + i) for i, letter in enumerate(_ALPHABET)}
# Combining tone marks, in dictionary order (rank 0 is "no tone mark").
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_DIGITS = re.compile(r"\d+")
_NUMBER_WIDTH = 12

Key = tuple[str, str, str, str]


@lru_cache(maxsize=512)
def _weights(char: str) -> tuple[str, str, str]:
    """(letter, tone, case) weights of one character; an empty letter weight: ignored."""
    lower = char.lower()
    case = "0" if char == lower else "1"
    if char.isspace():
        return " ", "", ""
    if char.isdigit():
        return char, "", ""
    decomposed = unicodedata.normalize("NFD", lower)
    tone = next((_TONES[m] for m in decomposed if m in _TONES), "0")
    letter = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in _TONES))
    if letter not in _LETTER_RANK:
        letter = decomposed[0]  # a letter of another language: its base letter
    if letter in _LETTER_RANK:
        return _LETTER_RANK[letter], tone, case
    if letter.isalpha():
        return letter, "", case
    return "", "", ""  # punctuation


def vietnamese_key(text: str) -> Key:
    """The sort key of `text` in Vietnamese dictionary order (the rules above)."""
    padded = _DIGITS.sub(lambda m: m.group().zfill(_NUMBER_WIDTH), " ".join(text.split()))
    letters, tones, cases = [], [], []
    for char in padded:
        letter, tone, case = _weights(char)
        letters.append(letter)
        tones.append(tone)
        cases.append(case)
    return "".join(letters), "".join(tones), "".join(cases), text
