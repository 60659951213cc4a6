"""Records made from a session: pure functions, Session in, text or bytes out.

markdown.py is the source every other format is made from (html.py, word.py); actions_csv.py lists the learning
actions; redact.py keeps service users' details out of every export; pii.py finds likely personal identifiers.
"""

from .export import EXTENSIONS, FORMATS, render_export
from .markdown import DEFAULT_RETENTION_NOTE, render_markdown

__all__ = ["DEFAULT_RETENTION_NOTE", "EXTENSIONS", "FORMATS", "render_export", "render_markdown"]
