"""The question bank of a quiz contest: JSON or CSV imports, each row checked.

Import rule: every bad row is reported by its number (JSON: position from 1; CSV: line of
the file, the header being line 1) and, unless `partial` is asked, a file with any bad row
imports nothing. With `partial`, the good rows are imported and the bad ones reported.
Row errors carry English message ids and their params; the web edge words them in the
request's language.

CSV columns (header required, in any order): `text`, `option_a` … `option_f` (at least
two), `correct` (letters, e.g. `A` or `A,C`), and optionally `tags` (separated by `;`),
`difficulty` (1–5), `explanation`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from tortoise.transactions import in_transaction

from accounts.permissions import Principal
from contests import question_banks
from contests.errors import BadQuestions, NotAQuiz
from contests.models import Contest, ContestKind, Question
from contests.schemas import QuestionIn
from contests.service import get_contest, require_contest_organizer
from core import clock
from core.numbers import number_between

MAX_ROWS = 5_000
MAX_CELL = 20_000
LETTERS = "abcdef"
KNOWN_COLUMNS = {"text", "correct", "tags", "difficulty", "explanation"} | {
    f"option_{c}" for c in LETTERS
}


@dataclass(frozen=True)
class RowError:
    """A bad row: an English message id with `{name}` params, translated at the edge into
    the request's language; or pydantic's `validation` error, which the edge words."""

    row: int
    message: str
    params: dict[str, object] = field(default_factory=dict)
    validation: ValidationError | None = None

    def english(self) -> str:
        if self.validation is not None:
            return _validation_message(self.validation)
        return self.message.format(**self.params) if self.params else self.message


class RowProblem(ValueError):
    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


@dataclass(frozen=True)
class ImportResult:
    created: int
    errors: list[RowError]


def check(spec: QuestionIn) -> str | None:
    """A question's own rules: 2–6 distinct non-empty options, at least one correct option,
    correct indexes within the options and without repeats."""
    options = [o.strip() for o in spec.options]
    if any(not o for o in options):
        return "Options must not be empty."
    if len(set(options)) != len(options):
        return "Two options are the same."
    if len(set(spec.correct)) != len(spec.correct):
        return "A correct option is listed twice."
    if any(i < 0 or i >= len(options) for i in spec.correct):
        return "A correct option points past the options."
    return None


def _validation_message(exc: ValidationError) -> str:
    err = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else str(err["msg"])


def parse_json_rows(items: Any) -> tuple[list[QuestionIn], list[RowError]]:
    if not isinstance(items, list):
        return [], [RowError(0, "Expected a JSON list of questions.")]
    if len(items) > MAX_ROWS:
        return [], [RowError(0, "At most {max} questions per upload.", {"max": MAX_ROWS})]
    good: list[QuestionIn] = []
    errors: list[RowError] = []
    for n, item in enumerate(items, start=1):
        try:
            # strict, as every JSON body (`web.parsing.parse_json`): `true` is no option index
            spec = QuestionIn.model_validate(item, strict=True)
        except ValidationError as exc:
            errors.append(RowError(n, "Not valid.", validation=exc))
            continue
        problem = check(spec)
        if problem:
            errors.append(RowError(n, problem))
        else:
            good.append(spec)
    return good, errors


def _csv_row(row: dict[str, str]) -> QuestionIn:
    options = [row.get(f"option_{c}", "") or "" for c in LETTERS]
    while options and not options[-1].strip():
        options.pop()
    letters = [x.strip().lower() for x in (row.get("correct") or "").replace(";", ",").split(",")]
    correct = []
    for letter in letters:
        if not letter:
            continue
        if len(letter) != 1 or letter not in LETTERS:
            raise RowProblem(
                "Unknown correct option “{letter}”: use letters A–F.", letter=letter.upper()
            )
        correct.append(LETTERS.index(letter))
    difficulty = number_between((row.get("difficulty") or "1").strip(), 0, 99)
    if difficulty is None:
        raise RowProblem("difficulty: must be a whole number from 1 to 5.")
    return QuestionIn(
        text=(row.get("text") or "").strip(),
        options=options,
        correct=correct,
        tags=[t.strip() for t in (row.get("tags") or "").split(";") if t.strip()],
        difficulty=difficulty,
        explanation=(row.get("explanation") or "").strip(),
    )


def parse_csv_rows(data: bytes) -> tuple[list[QuestionIn], list[RowError]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowError(0, "The file is not UTF-8 text.")]
    if "\x00" in text:
        # No text may hold U+0000 (PostgreSQL's text refuses it; web.parsing for JSON):
        # the whole file is refused, naming the line of the first one.
        line = text.count("\n", 0, text.index("\x00")) + 1
        return [], [RowError(line, "Contains a character that is not allowed.")]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    good: list[QuestionIn] = []
    errors: list[RowError] = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error:
        return [], [RowError(1, "Broken CSV: unbalanced quotes or a cell too large.")]
    missing = {"text", "option_a", "option_b", "correct"} - set(header)
    unknown = [h for h in header if h not in KNOWN_COLUMNS]
    if missing or unknown:
        return [], [
            RowError(
                1,
                "Wrong columns (missing: {missing}; unknown: {unknown}).",
                {
                    "missing": ", ".join(sorted(missing)) or "—",
                    "unknown": ", ".join(unknown) or "—",
                },
            )
        ]
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            errors.append(RowError(line, "Broken CSV: unbalanced quotes or a cell too large."))
            break
        if not any(c.strip() for c in cells):
            continue
        if len(good) + len(errors) >= MAX_ROWS:
            errors.append(RowError(line, "At most {max} questions per upload.", {"max": MAX_ROWS}))
            break
        if len(cells) != len(header):
            errors.append(
                RowError(
                    line,
                    "Expected {expected} cells, found {found}.",
                    {"expected": len(header), "found": len(cells)},
                )
            )
            continue
        if any(len(c) > MAX_CELL for c in cells):
            errors.append(
                RowError(line, "A cell is longer than {max} characters.", {"max": MAX_CELL})
            )
            continue
        try:
            spec = _csv_row(dict(zip(header, cells, strict=True)))
        except ValidationError as exc:
            errors.append(RowError(line, "Not valid.", validation=exc))
            continue
        except RowProblem as exc:
            errors.append(RowError(line, exc.message, exc.params))
            continue
        problem = check(spec)
        if problem:
            errors.append(RowError(line, problem))
        else:
            good.append(spec)
    return good, errors


async def quiz_contest_for(principal: Principal | None, contest_id: int) -> Contest:
    contest = await get_contest(contest_id)
    require_contest_organizer(principal, contest)
    if contest.kind != ContestKind.QUIZ:
        raise NotAQuiz()
    return contest


async def import_questions(
    principal: Principal | None,
    contest_id: int,
    good: list[QuestionIn],
    errors: list[RowError],
    *,
    partial: bool = False,
) -> ImportResult:
    """Store the checked rows (all in one transaction), following the import rule."""
    contest = await quiz_contest_for(principal, contest_id)
    if errors and not partial:
        raise BadQuestions(fields={f"rows.{e.row}": e.english() for e in errors[:200]})
    now = clock.now()
    async with in_transaction() as conn:
        for spec in good:
            await Question.create(
                contest_id=contest.id,
                text=spec.text.strip(),
                options=[o.strip() for o in spec.options],
                correct=sorted(spec.correct),
                tags=[t.strip().lower() for t in spec.tags if t.strip()],
                difficulty=spec.difficulty,
                explanation=spec.explanation.strip(),
                created_at=now,
                using_db=conn,
            )
    question_banks.changed(contest.id)
    return ImportResult(created=len(good), errors=errors)


async def list_questions(
    principal: Principal | None, contest_id: int, offset: int, limit: int
) -> tuple[list[Question], int]:
    contest = await quiz_contest_for(principal, contest_id)
    query = Question.filter(contest_id=contest.id)
    return list(await query.order_by("id").offset(offset).limit(limit)), await query.count()
