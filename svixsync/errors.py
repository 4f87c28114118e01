"""The one error type a user can cause: printed as one line, exit code 2."""


class FatalError(Exception):
    """Bad input or usage: the CLI prints the message on one line and exits 2, having written nothing."""
