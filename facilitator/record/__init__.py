"""Records made from a session: pure functions, Session in, text or bytes out."""

from .markdown import render_markdown

__all__ = ["render_markdown"]
