"""facilitator: lead a social work team through a scripted review session and write the minutes."""

__version__ = "0.1.0"
