"""The one exception an operator is meant to read: what is wrong and how to fix it, in one line."""


class OperatorError(Exception):
    """A mistake in how Wangge was started (options, environment, files), not a bug: the CLI prints the
    message alone, on one line, and exits with status 2."""
