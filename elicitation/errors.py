"""Errors the elicitation layer raises; each message names the problem in one line, as a template
and its values (`rules.messages.Explained`) so the UI can say it in the user's language."""

from rules.messages import Explained


class TranscriptError(Explained, ValueError):
    """A transcript that cannot be read: empty, binary, too large, undecodable or malformed."""


class ModelRefused(Explained, ValueError):
    """A learned model that cannot be trained (too few or one-sided examples) or that scored worse
    on the held-out gold than the model in use; the message gives the figures."""
