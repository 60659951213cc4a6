"""Records made from a session: pure functions, Session in, text or bytes out.

markdown.py is the source every other format is made from (html.py, word.py); actions_csv.py lists the learning
actions; redact.py keeps service users' details out of every export; pii.py finds likely personal identifiers.

Nothing is imported here: redact.make_replacer is used where the pydantic models are not loaded.
"""
