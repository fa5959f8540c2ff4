"""Errors the elicitation layer raises; each message names the problem in one line."""


class TranscriptError(ValueError):
    """A transcript that cannot be read: empty, binary, too large, undecodable or malformed."""
