"""Errors of the contests package (one base; the web edge maps them to API.md's shape)."""

from __future__ import annotations

from core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound


class ContestError(DomainError):
    pass


class ContestNotFound(ContestError, NotFound):
    code = "contest_not_found"
    message = "This contest does not exist."


class RoundNotFound(ContestError, NotFound):
    code = "round_not_found"
    message = "This round does not exist."


class AttemptNotFound(ContestError, NotFound):
    code = "attempt_not_found"
    message = "This attempt does not exist."


class NotContestOrganiser(ContestError, Forbidden):
    code = "not_contest_organiser"
    message = "Only the organisers of this contest may do this."


class NotEligible(ContestError, Forbidden):
    code = "not_eligible"
    message = "You are not eligible for this contest."


class NotYourAttempt(ContestError, Forbidden):
    code = "not_your_attempt"
    message = "This attempt belongs to another member."


class ResultsHidden(ContestError, Forbidden):
    code = "results_hidden"
    message = "The results of this round are not published yet."


class BadContest(ContestError, Invalid):
    pass


class NotAQuiz(ContestError, Conflict):
    code = "not_a_quiz"
    message = "This is not a quiz contest."


class AlreadyPublished(ContestError, Conflict):
    code = "already_published"
    message = "This contest is already published."


class RoundNotOpen(ContestError, Conflict):
    code = "round_not_open"
    message = "This round is not open."


class RoundStillOpen(ContestError, Conflict):
    code = "round_still_open"
    message = "This round has not closed yet."


class EntriesStillOpen(ContestError, Conflict):
    code = "entries_still_open"
    message = "Entries are still open: results can be published once they close."


class RoundBusy(ContestError, Conflict):
    code = "round_busy"
    message = "This round's results are being counted. Try again in a minute."


class NoAttemptsLeft(ContestError, Conflict):
    code = "no_attempts_left"
    message = "You have used all your attempts for this round."


class AttemptClosed(ContestError, Conflict):
    code = "attempt_closed"
    message = "Time is up: this attempt no longer accepts answers."


class NotEnoughQuestions(ContestError, Conflict):
    code = "not_enough_questions"
    message = "The question bank has too few questions for this round."


class BadQuestions(ContestError, Invalid):
    code = "bad_questions"
    message = "Some questions are not valid; nothing was imported."


class QuestionNotFound(ContestError, NotFound):
    code = "question_not_found"
    message = "This question does not exist."


class QuestionInUse(ContestError, Conflict):
    code = "question_in_use"
    message = "Attempts already drew this question: retire it instead of deleting it."


class RoundLocked(ContestError, Conflict):
    code = "round_locked"
    message = "This round has opened: only its closing time may change."


class RoundClosed(ContestError, Conflict):
    code = "round_closed"
    message = "This round has closed: it can no longer be edited."
