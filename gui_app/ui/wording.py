"""Words the interface builds from numbers."""


def plural(count: int, noun: str) -> str:
    """``1 table``, ``2 tables``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
