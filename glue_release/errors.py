"""Errors a user can fix; the CLI prints their message as one line, without a traceback."""


class UserError(Exception):
    """Bad input or a failed precondition: the message names what is wrong and what to do."""
