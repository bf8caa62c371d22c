"""Every error a user can cause; turned into messages only at the CLI/UI edge."""


class QAError(Exception):
    """Base class: the message is meant for the user, as is."""

    exit_code = 1


class DocumentError(QAError):
    """A letter could not be read or parsed."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class CorpusError(QAError):
    """The folder of letters is missing or holds nothing usable."""


class QuestionError(QAError):
    """The question (or a search parameter) is unusable."""

    exit_code = 2  # a usage error


class IndexError_(QAError):
    """The index is missing, stale, or damaged; the message says how to rebuild."""


class EncoderError(QAError):
    """Unknown encoder name, or a model that cannot be loaded offline."""

    exit_code = 2


class MissingExtraError(QAError):
    def __init__(self, module: str, extra: str):
        super().__init__(f"'{module}' is not installed; install it with: pip install '.[{extra}]'")
