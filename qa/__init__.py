"""Cited question answering over Dutch parliamentary letters."""

__all__ = ["Assistant"]


def __getattr__(name: str):
    # Lazy, so that `qa corpus` and `import qa.errors` never pay for the retrieval stack.
    if name == "Assistant":
        from qa.assistant import Assistant

        return Assistant
    raise AttributeError(name)
