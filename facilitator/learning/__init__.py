"""Learning that is not lost: what earlier sessions said, searched, counted and sent on.

Pure functions over a compact view of each session (facts.py): full-text search (search.py), learning
actions and their status (actions.py), themes across sessions (themes.py), the organisation digest
(digest.py, which can also read exported markdown records: records.py). Reading the data folder is
in facilitator/store/ (the history index, store/index.py; the action log, store/actions.py); learning/history.py
hands the index learning's computation of each session's rows (facts.py: session_data).
"""
