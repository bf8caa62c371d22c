"""The errors a user can cause live in corpus/errors.py (the lowest package); re-exported for qa's callers."""

from corpus.errors import (  # noqa: F401
    CorpusError,
    DocumentError,
    EncoderError,
    IndexError_,
    MissingExtraError,
    QAError,
    QuestionError,
)
