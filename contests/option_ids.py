"""Option ids as a member sees them: positions in the attempt's own shuffled order.

The rule, written once: an attempt shows question q's options in the order
`option_order[str(q)]` (the bank's option indices, shuffled for that attempt when it
started) and names each option by its position in that order: 0, 1, 2 … An id therefore
says nothing about the option's place in the bank, where question writers often put the
right answer first. Answers are stored and scored in the bank's indices: `to_bank`
translates what a member sends, `to_shown` what is shown back to them (saved answers, and
after the round the review's chosen and correct options). An attempt without an order
(none is ever stored empty, but a question missing from it) shows the bank's order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence


def order_of(option_order: Mapping[str, list[int]], question_id: int, size: int) -> list[int]:
    """The bank indices of a question's options, in the order this attempt shows them."""
    return option_order.get(str(question_id)) or list(range(size))


def shown_options(order: Sequence[int], options: Sequence[str]) -> list[tuple[int, str]]:
    """(shown id, text) of each option, in the order shown."""
    return [(shown, options[bank]) for shown, bank in enumerate(order)]


def to_bank(order: Sequence[int], shown: Iterable[int]) -> list[int] | None:
    """The bank indices of options named by their shown ids; None when an id names no
    option of the question."""
    size = len(order)
    out: list[int] = []
    for i in shown:
        if not 0 <= i < size:
            return None
        out.append(order[i])
    return out


def to_shown(order: Sequence[int], bank: Iterable[int]) -> list[int]:
    """The shown ids of options given by their bank indices, ascending."""
    position = {index: shown for shown, index in enumerate(order)}
    return sorted(position[i] for i in bank if i in position)


def answers_shown(
    option_order: Mapping[str, list[int]], answers: Mapping[str, list[int]]
) -> dict[str, list[int]]:
    """Saved answers (bank indices) as the member sees them."""
    return {
        key: to_shown(option_order[key], chosen) if key in option_order else sorted(chosen)
        for key, chosen in answers.items()
    }
