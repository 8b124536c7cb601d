"""Errors of contest judging. Messages are English msgids, translated in judging.po."""

from __future__ import annotations

from core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound


class JudgingError(DomainError):
    """Base of every judging error."""


class ContestNotFound(JudgingError, NotFound):
    code = "contest_not_found"
    message = "This contest does not exist."


class NotAnIdeaContest(JudgingError, Conflict):
    code = "not_an_idea_contest"
    message = "This contest does not take ideas."


class NotOrganiser(JudgingError, Forbidden):
    code = "forbidden"
    message = "Only the organisers of this contest may do this."


class IdeaNotFound(JudgingError, NotFound):
    code = "idea_not_found"
    message = "This idea does not exist."


class NotAnAuthor(JudgingError, Forbidden):
    code = "not_an_author"
    message = "Only an author of this idea may enter it."


class IdeaNotVisible(JudgingError, Invalid):
    code = "idea_not_visible"
    message = (
        "Only ideas visible in the idea bank may be entered (not drafts, withdrawn or hidden)."
    )


class EntriesClosed(JudgingError, Conflict):
    code = "entries_closed"
    message = "Entries are not open for this contest."


class NotEligible(JudgingError, Forbidden):
    code = "not_eligible"
    message = "You are not eligible for this contest."


class AlreadyEntered(JudgingError, Conflict):
    code = "already_entered"
    message = "This idea is already entered in this contest."


class EntryNotFound(JudgingError, NotFound):
    code = "entry_not_found"
    message = "This entry does not exist."


class BadWeights(JudgingError, Invalid):
    code = "bad_weights"
    message = "The weights must add up to 100 (percent)."


class CriteriaLocked(JudgingError, Conflict):
    code = "criteria_locked"
    message = "Criteria cannot change once reviews have been submitted."


class MemberNotFound(JudgingError, NotFound):
    code = "member_not_found"
    message = "This member does not exist."


class JudgeNotFound(JudgingError, NotFound):
    code = "judge_not_found"
    message = "This member is not a judge of this contest."


class TooFewJudges(JudgingError, Invalid):
    code = "too_few_judges"
    message = "More reviews per entry than there are judges."


class AssignmentImpossible(JudgingError, Conflict):
    code = "assignment_impossible"
    message = "Some entries cannot get enough judges."


class AssignmentLocked(JudgingError, Conflict):
    code = "assignment_locked"
    message = (
        "Reviews were already submitted in this round: add or remove single assignments instead."
    )


class NoCriteria(JudgingError, Conflict):
    code = "no_criteria"
    message = "Add the judging criteria first."


class NoEntries(JudgingError, Conflict):
    code = "no_entries"
    message = "There are no entries to assign."


class ConflictOfInterest(JudgingError, Conflict):
    code = "conflict_of_interest"
    message = "This judge has a conflict of interest with this entry."


class AlreadyAssigned(JudgingError, Conflict):
    code = "already_assigned"
    message = "This judge is already assigned to this entry."


class AssignmentNotFound(JudgingError, NotFound):
    code = "assignment_not_found"
    message = "This assignment does not exist."


class NotYourAssignment(JudgingError, Forbidden):
    code = "not_your_assignment"
    message = "This entry is not assigned to you."


class JudgingClosed(JudgingError, Conflict):
    code = "judging_closed"
    message = "The judging window is not open."


class RoundClosed(JudgingError, Conflict):
    code = "round_closed"
    message = "This judging round is over."


class BadScores(JudgingError, Invalid):
    code = "bad_scores"
    message = "Some scores are not valid."


class AlreadyReviewed(JudgingError, Conflict):
    code = "already_reviewed"
    message = "This assignment already has a review and cannot be removed."


class RankingNotPublic(JudgingError, Forbidden):
    code = "ranking_not_public"
    message = "The ranking is not public yet."


class BadShortlist(JudgingError, Invalid):
    code = "bad_shortlist"
    message = "Give either the number of entries to advance or a minimum score."


class NothingToShortlist(JudgingError, Conflict):
    code = "nothing_to_shortlist"
    message = "No entry qualifies for the next round."


class ResultsPublished(JudgingError, Conflict):
    code = "results_published"
    message = "The results are already published."


class AttachmentNotFound(JudgingError, NotFound):
    code = "attachment_not_found"
    message = "This attachment does not exist."
