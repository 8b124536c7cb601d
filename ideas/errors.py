"""Errors of the idea bank."""

from __future__ import annotations

from core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, TooLarge


class IdeasError(DomainError):
    """Base of every ideas error."""


class IdeaNotFound(IdeasError, NotFound):
    code = "idea_not_found"
    message = "This idea does not exist."


class CommentNotFound(IdeasError, NotFound):
    code = "comment_not_found"
    message = "This comment does not exist."


class MergeNotFound(IdeasError, NotFound):
    code = "merge_not_found"
    message = "This merge does not exist."


class AttachmentNotFound(IdeasError, NotFound):
    code = "attachment_not_found"
    message = "This attachment does not exist."


class NotAnAuthor(IdeasError, Forbidden):
    code = "not_an_author"
    message = "Only the authors of this idea may do this."


class NotEditable(IdeasError, Conflict):
    code = "not_editable"
    message = "This idea can no longer be changed."


class EntryFrozen(NotEditable):
    code = "entry_frozen"
    message = (
        "This idea is entered in a contest whose entries have closed: it stays as it was entered."
    )


class AlreadyVoted(IdeasError, Conflict):
    code = "already_voted"
    message = "You have already voted for this idea."


class NotVoted(IdeasError, Conflict):
    code = "not_voted"
    message = "You have not voted for this idea."


class NotOpenForVotes(IdeasError, Conflict):
    code = "not_open"
    message = "This idea is not open for votes or comments."


class AlreadyReported(IdeasError, Conflict):
    code = "already_reported"
    message = "You have already reported this."


class OwnReport(IdeasError, Conflict):
    code = "own_report"
    message = "You cannot report your own idea or comment."


class BadTransition(IdeasError, Conflict):
    code = "bad_transition"
    message = "An idea cannot move from {current} to {target}."


class BadMerge(IdeasError, Conflict):
    code = "bad_merge"
    message = "These ideas cannot be merged."


class MergeNotUndoable(IdeasError, Conflict):
    code = "merge_not_undoable"
    message = "This merge can no longer be undone."


class InvalidIdea(IdeasError, Invalid):
    code = "validation_error"
    message = "Some fields are not valid."


class TooManyAttachments(IdeasError, Conflict):
    code = "too_many_attachments"
    message = "An idea has at most 5 attachments."


class FileTooLarge(IdeasError, TooLarge):
    code = "file_too_large"
    message = "The file is too large (at most 10 MB)."


class BadFileType(IdeasError, Invalid):
    code = "bad_file_type"
    message = "Only images (PNG, JPEG, GIF, WebP) and PDF or Office documents are accepted."


class KeyReused(IdeasError, Conflict):
    code = "idempotency_key_reused"
    message = "This Idempotency-Key was already used for another request."
