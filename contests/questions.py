"""The question bank of a quiz contest: JSON or CSV imports, each row checked.

Import rule: every problem is reported, each on its own (a row with three problems gets
three), and, unless `partial` is asked, a file with any problem imports nothing. With
`partial`, the good rows are imported and the bad ones reported. A problem is either
- of a row: `row` is its number (JSON: position from 1; CSV: line of the file, the header
  being line 1), with the CSV column or JSON field it concerns when it concerns one; or
- of the file as a whole (`whole_file`: not UTF-8 text, not a JSON list, a wrong or broken
  header, broken quoting, a character not allowed, too many rows): nothing of the file, or
  nothing from that line on, was read. `row` is then the line where it was found, 0 when
  it lies at no line; the API says `"scope": "file"` (`row` stays an integer, API.md).
Problems carry English message ids and their params; the web edge words them in the
request's language, naming the column in that language too (`LABELS`).

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
# What each CSV column and JSON field holds (English msgids): the edge names a column in
# the request's language with it, beside the column's own name.
LABELS: dict[str, str] = {
    "text": "Question",
    "options": "Options",
    **{f"option_{c}": f"Option {c.upper()}" for c in LETTERS},
    "correct": "Correct options",
    "tags": "Tags",
    "difficulty": "Difficulty",
    "explanation": "Explanation",
}


@dataclass(frozen=True)
class RowError:
    """One problem of an import (see the module's rule): an English message id with
    `{name}` params; or pydantic's `validation` error at the dotted `loc`, which the edge
    words. `column` (CSV) or `field` (JSON) names what the message is about."""

    row: int
    message: str
    params: dict[str, object] = field(default_factory=dict)
    column: str | None = None
    field: str | None = None
    whole_file: bool = False
    validation: ValidationError | None = None
    loc: str = ""

    @property
    def key(self) -> str:
        """Where the error shape's `fields` put it: `file`, or `rows.<row>`."""
        return "file" if self.whole_file else f"rows.{self.row}"

    def english(self) -> str:
        if self.validation is not None:
            for err in self.validation.errors(include_url=False):
                if _dotted(err["loc"]) == self.loc:
                    return str(err["msg"])
        return self.message.format(**self.params) if self.params else self.message


def _file_error(message: str, at: int = 0, /, **params: object) -> RowError:
    """A problem of the whole file, found at line `at` (0: at no line)."""
    return RowError(at, message, params, whole_file=True)


@dataclass(frozen=True)
class Problem:
    """A broken rule of a question: an English message and the field it concerns."""

    field: str
    message: str


@dataclass(frozen=True)
class ImportResult:
    created: int
    errors: list[RowError]


def check(spec: QuestionIn) -> list[Problem]:
    """A question's own rules, every one it breaks: 2–6 distinct non-empty options, at
    least one correct option, correct indexes within the options and without repeats."""
    options = [o.strip() for o in spec.options]
    problems: list[Problem] = []
    if any(not o for o in options):
        problems.append(Problem("options", "Options must not be empty."))
    elif len(set(options)) != len(options):
        problems.append(Problem("options", "Two options are the same."))
    if len(set(spec.correct)) != len(spec.correct):
        problems.append(Problem("correct", "A correct option is listed twice."))
    if any(i < 0 or i >= len(options) for i in spec.correct):
        problems.append(Problem("correct", "A correct option points past the options."))
    return problems


def _dotted(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc)


def _locs(exc: ValidationError) -> list[str]:
    """The places pydantic found wrong, each once, in its order."""
    return list(dict.fromkeys(_dotted(err["loc"]) for err in exc.errors(include_url=False)))


def parse_json_rows(items: Any) -> tuple[list[QuestionIn], list[RowError]]:
    if not isinstance(items, list):
        return [], [_file_error("Expected a JSON list of questions.")]
    if len(items) > MAX_ROWS:
        return [], [_file_error("At most {max} questions per upload.", max=MAX_ROWS)]
    good: list[QuestionIn] = []
    errors: list[RowError] = []
    for n, item in enumerate(items, start=1):
        try:
            # strict, as every JSON body (`web.parsing.parse_json`): `true` is no option index
            spec = QuestionIn.model_validate(item, strict=True)
        except ValidationError as exc:
            errors += [
                RowError(n, "Not valid.", field=loc or None, validation=exc, loc=loc)
                for loc in _locs(exc)
            ]
            continue
        problems = check(spec)
        errors += [RowError(n, p.message) for p in problems]
        if not problems:
            good.append(spec)
    return good, errors


def _csv_column(loc: str) -> str | None:
    """The CSV column of a `QuestionIn` field (`options.2` → `option_c`)."""
    name, _, index = loc.partition(".")
    if name == "options":
        return f"option_{LETTERS[int(index)]}" if index.isdigit() and int(index) < 6 else None
    return name if name in KNOWN_COLUMNS else None


def _csv_row(line: int, row: dict[str, str]) -> tuple[QuestionIn | None, list[RowError]]:
    """A CSV row as a question, or every problem it has. A cell that is not even read
    (no correct option, a difficulty that is no number) is reported, and the rest of the
    row is still checked with a stand-in value in its place."""
    problems: list[RowError] = []
    options = [row.get(f"option_{c}", "") or "" for c in LETTERS]
    while options and not options[-1].strip():
        options.pop()
    if len(options) < 2:
        problems.append(RowError(line, "At least two options are needed (option_a, option_b)."))
    letters = [x.strip().lower() for x in (row.get("correct") or "").replace(";", ",").split(",")]
    correct = []
    for letter in letters:
        if not letter:
            continue
        if len(letter) != 1 or letter not in LETTERS:
            problems.append(
                RowError(
                    line,
                    "Unknown correct option “{letter}”: use letters A–F.",
                    {"letter": letter.upper()},
                )
            )
            continue
        correct.append(LETTERS.index(letter))
    if not any(letters):
        problems.append(
            RowError(line, "Give at least one correct option, e.g. A or A,C.", column="correct")
        )
    difficulty = number_between((row.get("difficulty") or "1").strip(), 1, 5)
    if difficulty is None:
        problems.append(RowError(line, "Must be a whole number from 1 to 5.", column="difficulty"))
    try:
        spec = QuestionIn(
            text=(row.get("text") or "").strip(),
            options=options if len(options) >= 2 else ["", ""],
            correct=correct or [0],
            tags=[t.strip() for t in (row.get("tags") or "").split(";") if t.strip()],
            difficulty=difficulty or 1,
            explanation=(row.get("explanation") or "").strip(),
        )
    except ValidationError as exc:
        problems += [
            RowError(line, "Not valid.", column=_csv_column(loc), validation=exc, loc=loc)
            for loc in _locs(exc)
        ]
        return None, problems
    if len(options) >= 2:
        problems += [RowError(line, p.message) for p in check(spec)]
    return (None if problems else spec), problems


BROKEN = (
    "Broken CSV at line {line}: unbalanced quotes or a cell too large; "
    "the rest of the file was not read."
)
TOO_MANY = "At most {max} questions per upload: the rows from line {line} on were not read."


def parse_csv_rows(data: bytes) -> tuple[list[QuestionIn], list[RowError]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_file_error("The file is not UTF-8 text.")]
    if "\x00" in text:
        # No text may hold U+0000 (PostgreSQL's text refuses it; web.parsing for JSON):
        # the whole file is refused, naming the line of the first one.
        line = text.count("\n", 0, text.index("\x00")) + 1
        return [], [
            _file_error("Line {line} holds a character that is not allowed.", line, line=line)
        ]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    good: list[QuestionIn] = []
    errors: list[RowError] = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error:
        return [], [_file_error(BROKEN, 1, line=1)]
    if not any(header):
        return [], [_file_error("The file is empty.")]
    missing = {"text", "option_a", "option_b", "correct"} - set(header)
    unknown = [h for h in header if h not in KNOWN_COLUMNS]
    if missing or unknown:
        return [], [
            _file_error(
                "Wrong columns (missing: {missing}; unknown: {unknown}).",
                1,
                missing=", ".join(sorted(missing)) or "—",
                unknown=", ".join(unknown) or "—",
            )
        ]
    rows = 0
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            errors.append(_file_error(BROKEN, line, line=line))
            break
        if not any(c.strip() for c in cells):
            continue
        if rows >= MAX_ROWS:
            errors.append(_file_error(TOO_MANY, line, max=MAX_ROWS, line=line))
            break
        rows += 1
        if len(cells) != len(header):
            errors.append(
                RowError(
                    line,
                    "Expected {expected} cells, found {found}.",
                    {"expected": len(header), "found": len(cells)},
                )
            )
            continue
        long = [h for h, c in zip(header, cells, strict=True) if len(c) > MAX_CELL]
        if long:
            errors += [
                RowError(line, "At most {max} characters.", {"max": MAX_CELL}, column=h)
                for h in long
            ]
            continue
        spec, problems = _csv_row(line, dict(zip(header, cells, strict=True)))
        errors += problems
        if spec is not None:
            good.append(spec)
    return good, errors


def fields_of(worded: list[tuple[RowError, str]], limit: int = 200) -> dict[str, str]:
    """The error shape's `fields` for an import's problems (each worded): `file` and
    `rows.<row>`, the problems of one row one after the other; at most `limit` keys."""
    fields: dict[str, str] = {}
    for error, message in worded:
        if error.key in fields:
            fields[error.key] += " " + message
        elif len(fields) < limit:
            fields[error.key] = message
    return fields


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
        raise BadQuestions(fields=fields_of([(e, e.english()) for e in errors]))
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
